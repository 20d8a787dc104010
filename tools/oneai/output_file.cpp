#include "output_file.hpp"

#include "batch_lines.hpp"
#include "common/file_lock.hpp"
#include "common/write_all.hpp"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace oneai::cli {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    throw std::runtime_error(what + " '" + path + "': " + std::strerror(errno));
}

} // namespace

output_file::output_file(const std::string& path)
    : path_(path), described_(path.empty() ? "output (standard output)" : "output '" + path + "'") {
    if (path.empty()) {
        fd_ = STDOUT_FILENO;
        return;
    }
    open_and_lock();
}

void output_file::open_and_lock() {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0)
        fail("cannot write the output", path_);
    try {
        common::lock_exclusively(fd_, path_, "output");
    } catch (...) {
        ::close(fd_);
        fd_ = -1;
        throw;
    }
}

output_file::~output_file() {
    try {
        flush(); // what a run cut short still gave us (its journal does not vouch for it)
    } catch (const std::exception&) {
    }
    if (fd_ > STDERR_FILENO)
        ::close(fd_);
}

void output_file::start_over() {
    if (!path_.empty() && ::ftruncate(fd_, 0) != 0)
        fail("cannot empty the output", path_);
}

output_file::recovered output_file::recover(bool keep_unknown) {
    recovered out;
    auto& kept = out.indexes;
    if (path_.empty())
        return out;
    bool completed = false;
    auto stays = [&](std::string_view line, std::uint64_t& index, bool& outcome) {
        std::string_view status;
        outcome = read_outcome_key(line, index, status);
        completed = status == "COMPLETED";
        return !outcome || completed || status == "FAILED" || status == "INVALID" ||
               (keep_unknown && status == "UNKNOWN");
    };
    // First pass: what stays, and where the last whole line ends.
    std::uint64_t whole_bytes = 0, dropped = 0;
    {
        std::ifstream in(path_, std::ios::binary);
        std::string line;
        while (std::getline(in, line) && !in.eof()) { // eof: no newline, torn by a kill
            whole_bytes += line.size() + 1;
            std::uint64_t index = 0;
            bool outcome = false;
            if (!stays(line, index, outcome)) {
                ++dropped;
            } else if (outcome) {
                kept.insert(index);
                out.not_completed += !completed;
            }
        }
    }
    if (dropped == 0) {
        struct stat st {};
        if (::fstat(fd_, &st) == 0 && static_cast<std::uint64_t>(st.st_size) != whole_bytes &&
            ::ftruncate(fd_, static_cast<off_t>(whole_bytes)) != 0)
            fail("cannot repair the output", path_);
        return out;
    }
    struct stat st {};
    if (::fstat(fd_, &st) != 0)
        fail("cannot read", path_);
    if (st.st_nlink > 1)
        throw std::runtime_error("the output '" + path_ +
                                 "' has other hard links, and a resume rewrites it to drop the "
                                 "lines of items it retries; copy it to a file of its own first");
    // The file itself, not a symbolic link to it: the link stays a link.
    char real[PATH_MAX];
    if (!::realpath(path_.c_str(), real))
        fail("cannot resolve", path_);
    const std::string target = real;
    // Second pass: the lines that stay, into a temporary that replaces the file.
    const std::string tmp_path = target + ".resume-tmp";
    {
        std::ifstream in(path_, std::ios::binary);
        std::ofstream out(tmp_path, std::ios::binary | std::ios::trunc);
        if (!out)
            fail("cannot write", tmp_path);
        std::string line;
        std::uint64_t read = 0;
        while (read < whole_bytes && std::getline(in, line)) {
            read += line.size() + 1;
            std::uint64_t index = 0;
            bool outcome = false;
            if (stays(line, index, outcome))
                out << line << '\n';
        }
        out.flush();
        if (!out)
            fail("cannot write", tmp_path);
    }
    int tmp = ::open(tmp_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (tmp < 0 || ::fchmod(tmp, st.st_mode & 07777) != 0 || ::fsync(tmp) != 0)
        fail("cannot sync", tmp_path);
    ::close(tmp);
    if (std::rename(tmp_path.c_str(), target.c_str()) != 0)
        fail("cannot replace the output", path_);
    ::close(fd_);
    open_and_lock(); // the new file: still ours, as the journal's lock is
    return out;
}

void output_file::write(std::string_view line) {
    buffer_ += line;
}

void output_file::flush() {
    if (!failure_.empty()) {
        buffer_.clear();
        throw std::runtime_error(failure_);
    }
    if (buffer_.empty())
        return;
    try {
        common::write_all(fd_, buffer_, described_);
    } catch (const std::exception& e) {
        buffer_.clear(); // a failed write is not retried: part of it may be written
        failure_ = e.what();
        throw;
    }
    buffer_.clear(); // its memory kept: the next turn's lines need as much
}

void output_file::sync() {
    flush();
    if (::fdatasync(fd_) != 0 && errno != EINVAL) // EINVAL: a pipe or terminal, nothing to sync
        fail("cannot sync the output", path_);
}

} // namespace oneai::cli
