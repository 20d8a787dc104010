// A file input is streamed from disk: an upload far larger than the client's
// buffers goes out whole while the process's memory stays flat.

#include "../support/canned_server.hpp"
#include "../support/client_fixture.hpp"
#include "../support/upload_sink.hpp"

#include <atomic>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

using namespace oneai;
using namespace oneai::test;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t mib = 1024 * 1024;
// Far larger than any buffer of the client or the kernel's socket buffers,
// and than the growth allowed below.
constexpr std::uint64_t file_size = 256 * mib;
constexpr std::uint64_t allowed_growth = 32 * mib;

constexpr const char* uuid = "0b9a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d";

// A sparse file of `size` zero bytes: no disk space, no memory to make it.
void make_sparse_file(const fs::path& path, std::uint64_t size) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0) << path;
    ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
    ::close(fd);
}

} // namespace

class StreamingUploadTest : public ClientTest {};

TEST_F(StreamingUploadTest, AFileFarLargerThanTheBuffersIsStreamedWithFlatMemory) {
    const fs::path path =
        fs::temp_directory_path() / ("oneai-upload-" + std::to_string(::getpid()) + ".wav");
    make_sparse_file(path, file_size);
    ASSERT_FALSE(HasFailure());

    // The peak memory in use while the body arrives, sampled by the server
    // after each 64 KiB it reads: a client that read the file into memory
    // before sending it is caught holding the whole file.
    std::atomic<std::uint64_t> peak{0};
    upload_sink sink(raw_reply(std::string(R"({"status":"QUEUED","task_id":")") + uuid + "\"}"),
                     [&] {
                         const std::uint64_t now = memory_in_use();
                         if (now > peak.load())
                             peak = now;
                     });
    opts.base_url = sink.base_url();
    auto c = make_client();
    const std::uint64_t before = memory_in_use();
    diagnostics diag;
    auto [ec, t] = complete<task>([&](auto h) {
        c->async_submit(pipeline{}.transcribe(), file_input{path, ""}, diag, h);
    });
    const std::uint64_t after = memory_in_use();
    fs::remove(path);
    ASSERT_FALSE(ec) << ec.message() << " " << diag.to_string();
    EXPECT_EQ(t.id(), uuid);

    // Every byte of the file reached the server, in one request to the upload endpoint.
    EXPECT_EQ(sink.requests(), 1);
    EXPECT_EQ(sink.last_body_bytes(), file_size);
    const std::string head = sink.last_head();
    EXPECT_EQ(head.rfind("POST /api/v0/pipeline/async/file?pipeline=", 0), 0u) << head;
    EXPECT_NE(head.find("Content-Length: " + std::to_string(file_size)), std::string::npos) << head;

    // ...and the process never held more than a sliver of it.
    ASSERT_GT(peak.load(), 0u);
    const std::uint64_t highest = std::max(peak.load(), after);
    const std::uint64_t growth = highest > before ? highest - before : 0;
    EXPECT_LT(growth, allowed_growth)
        << "memory in use grew by " << growth / mib << " MiB while uploading a " << file_size / mib
        << " MiB file (before " << before / mib << " MiB, peak " << peak.load() / mib
        << " MiB, after " << after / mib << " MiB)";
}
