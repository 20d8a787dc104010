#include "upload_sink.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <mutex>
#include <thread>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// From the sanitizers' allocator interface (GCC ships no header for it; the
// runtime exports it).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace oneai::test {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// The Content-Length of a request head; 0 when it has none.
std::uint64_t content_length(std::string head) {
    std::transform(head.begin(), head.end(), head.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string field = "\r\ncontent-length:";
    const auto at = head.find(field);
    if (at == std::string::npos)
        return 0;
    return std::stoull(head.substr(at + field.size()));
}

} // namespace

struct upload_sink::impl {
    asio::io_context io;
    tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
    std::string reply;
    std::function<void()> on_piece;
    std::atomic<int> requests{0};
    std::atomic<std::uint64_t> last_bytes{0};
    mutable std::mutex head_mutex;
    std::string head;
    std::atomic<bool> stopping{false};
    std::thread thread;

    // One connection at a time, one request per connection, with blocking
    // calls on the server's own thread: the simplest server that streams.
    void serve() {
        while (!stopping) {
            boost::system::error_code ec;
            tcp::socket socket(io);
            acceptor.accept(socket, ec);
            if (ec)
                return;
            std::string buffer;
            const std::size_t head_size =
                asio::read_until(socket, asio::dynamic_buffer(buffer), "\r\n\r\n", ec);
            if (ec)
                continue;
            const std::string request_head = buffer.substr(0, head_size);
            std::uint64_t left = content_length(request_head);
            std::uint64_t got = buffer.size() - head_size; // body bytes read with the head
            left -= std::min(left, got);
            std::string piece(64 * 1024, '\0');
            while (left > 0 && !ec) {
                const std::size_t n = socket.read_some(
                    asio::buffer(piece.data(), std::min<std::uint64_t>(left, piece.size())), ec);
                got += n;
                left -= n;
                if (on_piece)
                    on_piece();
            }
            if (ec)
                continue;
            {
                std::lock_guard lock(head_mutex);
                head = request_head;
            }
            last_bytes = got;
            ++requests;
            asio::write(socket, asio::buffer(reply), ec);
            socket.shutdown(tcp::socket::shutdown_both, ec);
        }
    }
};

upload_sink::upload_sink(std::string reply, std::function<void()> on_piece)
    : impl_(std::make_unique<impl>()) {
    impl_->reply = std::move(reply);
    impl_->on_piece = std::move(on_piece);
    impl_->thread = std::thread([this] { impl_->serve(); });
}

upload_sink::~upload_sink() {
    impl_->stopping = true;
    boost::system::error_code ignored;
    // A connection of our own wakes the blocked accept, which then sees `stopping`.
    tcp::socket wake(impl_->io);
    wake.connect(impl_->acceptor.local_endpoint(), ignored);
    wake.close(ignored);
    impl_->thread.join();
}

std::uint16_t upload_sink::port() const {
    return impl_->acceptor.local_endpoint().port();
}

int upload_sink::requests() const {
    return impl_->requests.load();
}

std::uint64_t upload_sink::last_body_bytes() const {
    return impl_->last_bytes.load();
}

std::string upload_sink::last_head() const {
    std::lock_guard lock(impl_->head_mutex);
    return impl_->head;
}

std::uint64_t memory_in_use() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return __sanitizer_get_current_allocated_bytes();
#else
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size = 0, resident = 0;
    statm >> size >> resident;
    return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
#endif
}

} // namespace oneai::test
