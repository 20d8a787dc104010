// One client connection: read a request, let the router answer it, carry out
// what the answer asks for (wait for a sync run, delay, reset), write it, and
// go again while the client keeps the connection alive.

#include "server_core.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace oneai::emulator::detail {
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

beast::tcp_stream& tcp_of(beast::tcp_stream& s) {
    return s;
}
beast::tcp_stream& tcp_of(beast::ssl_stream<beast::tcp_stream>& s) {
    return s.next_layer();
}

// Parse errors that mean the client sent something that is not HTTP.
bool is_malformed(const boost::system::error_code& ec) {
    return ec.category() == beast::http::make_error_code(http::error::bad_method).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message &&
           ec != http::error::body_limit && ec != http::error::header_limit;
}

template <typename Stream>
asio::awaitable<void> write_response(Stream& stream, http_response& res, server_core& core) {
    ++core.stats.responses_by_status[res.result_int()];
    tcp_of(stream).expires_after(std::chrono::seconds(30));
    co_await http::async_write(stream, res, use_tuple);
}

// Waits until the sync run `id` finishes (the store wakes us by cancelling the timer).
asio::awaitable<void> wait_for_sync_run(server_core& core, const task_id& id) {
    asio::steady_timer wake(core.io, asio::steady_timer::time_point::max());
    core.sync_waiters[id] = &wake;
    core.schedule_store();
    const task_record* task = core.store.find(id);
    if (task && !task->finished_state() && !core.stopped)
        co_await wake.async_wait(use_tuple);
    core.sync_waiters.erase(id);
}

// Keeps a connection in the server's list exactly as long as its stream
// lives, whichever way serve() ends (an exception included): stop() must never
// reach a stream that is gone.
class connection_registration {
  public:
    connection_registration(server_core& core, beast::tcp_stream& stream)
        : core_(core), id_(core.add_connection(stream)) {}
    ~connection_registration() {
        core_.remove_connection(id_);
        --core_.open_connections; // counted by start_connection()
    }
    connection_registration(const connection_registration&) = delete;
    connection_registration& operator=(const connection_registration&) = delete;

  private:
    server_core& core_;
    std::uint64_t id_;
};

// The answer to one request. Whatever escapes the router (it catches what it
// expects) becomes a 500 in the API's error shape, and the connection closes
// after it, since its state is unknown.
asio::awaitable<reply> answer_request(server_core& core, http_request& request) {
    std::optional<reply> answer;
    try {
        answer = core.router.handle(request, std::chrono::steady_clock::now());
    } catch (const std::exception& e) {
        answer = reply{core.router.error_response(
            50000, std::string("the emulator failed on this request: ") + e.what(),
            request.version())};
    }
    if (!answer->await_sync) {
        core.schedule_store();
        co_return std::move(*answer);
    }
    co_await wait_for_sync_run(core, *answer->await_sync);
    if (core.stopped)
        co_return std::move(*answer);
    try {
        auto finished =
            core.router.finish_sync(*answer->await_sync, request.version(), request.keep_alive());
        answer->response = std::move(finished.response);
    } catch (const std::exception& e) {
        core.store.erase(*answer->await_sync);
        answer->response = core.router.error_response(
            50000, std::string("the emulator failed on this run: ") + e.what(), request.version());
    }
    co_return std::move(*answer);
}

template <typename Stream>
asio::awaitable<void> serve(std::shared_ptr<server_core> core, Stream stream) {
    const connection_registration registration(*core, tcp_of(stream));
    beast::flat_buffer buffer;
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
        tcp_of(stream).expires_after(std::chrono::seconds(10));
        auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
        if (ec)
            co_return;
    }
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(core->cfg.header_limit));
        parser.body_limit(core->cfg.body_limit);
        tcp_of(stream).expires_after(core->cfg.idle_timeout);
        auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
        if (!ec && parser.get()[http::field::expect] == "100-continue") {
            http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
            std::tie(ec, n) = co_await http::async_write(stream, go_on, use_tuple);
        }
        if (!ec && !parser.is_done())
            std::tie(ec, n) = co_await http::async_read(stream, buffer, parser, use_tuple);
        if (ec == beast::error::timeout && !parser.got_some()) {
            ++core->stats.idle_closes; // kept alive, then idle: closed as a server may
            break;
        }
        if (ec) {
            int code = 0;
            std::string details;
            if (ec == http::error::body_limit) {
                code = emulator_codes::body_too_large;
                details = "the body exceeds " + std::to_string(core->cfg.body_limit) + " bytes";
            } else if (ec == http::error::header_limit) {
                code = emulator_codes::headers_too_large;
                details = "the headers exceed " + std::to_string(core->cfg.header_limit) + " bytes";
            } else if (is_malformed(ec)) {
                code = emulator_codes::malformed_http;
                details = "could not parse the HTTP request: " + ec.message();
            }
            if (code != 0 && !core->stopped) {
                auto res = core->router.error_response(code, details, 11);
                co_await write_response(stream, res, *core);
            }
            break;
        }
        http_request request = parser.release();
        reply answer = co_await answer_request(*core, request);
        if (core->stopped)
            break;
        if (answer.delay.count() > 0) {
            asio::steady_timer pause(core->io, answer.delay);
            co_await pause.async_wait(use_tuple);
            if (core->stopped)
                break;
        }
        if (answer.reset) {
            // Processed, never answered: the client sees a reset, not a response.
            boost::system::error_code ignored;
            tcp_of(stream).socket().set_option(asio::socket_base::linger(true, 0), ignored);
            tcp_of(stream).socket().close(ignored);
            break;
        }
        const bool keep_alive = answer.response.keep_alive();
        co_await write_response(stream, answer.response, *core);
        if (!keep_alive || core->stopped)
            break;
    }
    boost::system::error_code ignored;
    tcp_of(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

} // namespace

void start_connection(std::shared_ptr<server_core> core, asio::ip::tcp::socket socket) {
    boost::system::error_code ignored;
    if (core->open_connections >= core->cfg.max_connections) {
        // Closed before a byte is read: the cheapest answer to a flood.
        ++core->stats.rejected_connections;
        socket.close(ignored);
        return;
    }
    // Counted here rather than when serve() starts (co_spawn runs it later), so
    // a burst of accepts cannot overshoot the limit.
    ++core->open_connections;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    auto& io = core->io;
    if (core->tls) {
        beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)),
                                                    *core->tls);
        asio::co_spawn(io, serve(std::move(core), std::move(stream)), asio::detached);
    } else {
        asio::co_spawn(io, serve(std::move(core), beast::tcp_stream(std::move(socket))),
                       asio::detached);
    }
}

} // namespace oneai::emulator::detail
