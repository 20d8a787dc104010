#include "canned_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace oneai::test {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct canned_server::impl {
    asio::io_context io;
    tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
    canned_server::script script;
    std::atomic<int> requests{0};
    std::atomic<int> connections{0};
    std::atomic<int> stall_at{0};
    std::atomic<long long> stall_ms{0};
    std::mutex last_mutex;
    std::string last; // the head of the last request
    std::thread thread;

    void accept() {
        acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
            if (ec)
                return;
            ++connections;
            serve(std::make_shared<tcp::socket>(std::move(socket)), 0);
            accept();
        });
    }

    // `answered`: requests this connection has answered so far.
    void serve(std::shared_ptr<tcp::socket> socket, int answered) {
        auto buffer = std::make_shared<std::string>();
        asio::async_read_until(
            *socket, asio::dynamic_buffer(*buffer), "\r\n\r\n",
            [this, socket, buffer, answered](boost::system::error_code ec, std::size_t) {
                if (ec)
                    return;
                {
                    std::lock_guard lock(last_mutex);
                    last = *buffer;
                }
                const int number = ++requests;
                if (script.answers_per_connection > 0 &&
                    answered == script.answers_per_connection) {
                    boost::system::error_code ignored;
                    socket->shutdown(tcp::socket::shutdown_both, ignored);
                    socket->close(ignored);
                    return;
                }
                if (number == stall_at.load()) {
                    auto timer = std::make_shared<asio::steady_timer>(
                        io, std::chrono::milliseconds(stall_ms.load()));
                    timer->async_wait(
                        [this, socket, timer, number, answered](boost::system::error_code) {
                            answer(socket, number, answered);
                        });
                    return;
                }
                answer(socket, number, answered);
            });
    }

    void answer(const std::shared_ptr<tcp::socket>& socket, int number, int answered) {
        const auto& replies = script.replies;
        // The script never changes once running: the reply outlives the write.
        const std::string* reply =
            replies.empty() ? nullptr
                            : &replies[std::min<std::size_t>(number - 1, replies.size() - 1)];
        if (!reply || reply->empty()) {
            socket->set_option(asio::socket_base::linger(true, 0));
            socket->close();
            return;
        }
        asio::async_write(*socket, asio::buffer(*reply),
                          [this, socket, answered](boost::system::error_code ec, std::size_t) {
                              if (script.keep_alive && !ec)
                                  return serve(socket, answered + 1);
                              boost::system::error_code ignored;
                              socket->shutdown(tcp::socket::shutdown_both, ignored);
                          });
    }
};

canned_server::canned_server(std::string reply, bool keep_alive)
    : canned_server(script{{std::move(reply)}, keep_alive, 0}) {}

canned_server::canned_server(script s) : impl_(std::make_unique<impl>()) {
    impl_->script = std::move(s);
    impl_->accept();
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

canned_server::~canned_server() {
    impl_->io.stop();
    impl_->thread.join();
}

std::uint16_t canned_server::port() const {
    return impl_->acceptor.local_endpoint().port();
}
int canned_server::requests() const {
    return impl_->requests.load();
}
void canned_server::stall(int n, std::chrono::milliseconds delay) {
    impl_->stall_ms = delay.count();
    impl_->stall_at = n;
}
int canned_server::connections() const {
    return impl_->connections.load();
}

std::string canned_server::last_request() const {
    std::lock_guard lock(impl_->last_mutex);
    return impl_->last;
}

std::string raw_reply(const std::string& body, long declared_length, bool keep_alive) {
    long length = declared_length >= 0 ? declared_length : static_cast<long>(body.size());
    return std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: ") +
           (keep_alive ? "keep-alive" : "close") + "\r\nContent-Length: " + std::to_string(length) +
           "\r\n\r\n" + body;
}

} // namespace oneai::test
