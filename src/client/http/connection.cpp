#include "connection.hpp"

#include <oneai/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_cat.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <sys/socket.h>

#include <array>
#include <tuple>

namespace oneai::detail {
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Beast's HTTP read and write (and Asio's composed write) stop only for a
// terminal cancellation: a partial one, let through by the operation's
// filter, would go on waiting for the answer or the request timeout. While
// one of them runs, this turns whatever cancellation reaches the coroutine's
// state into a terminal one for that operation; a stopped exchange leaves
// its connection unusable anyway, so nothing finer is needed.
class stop_on_any_cancellation {
  public:
    explicit stop_on_any_cancellation(asio::cancellation_slot coroutine_slot)
        : coroutine_slot_(coroutine_slot) {
        if (coroutine_slot_.is_connected())
            coroutine_slot_.assign([this](asio::cancellation_type) {
                signal_.emit(asio::cancellation_type::terminal);
            });
    }
    ~stop_on_any_cancellation() {
        if (coroutine_slot_.is_connected())
            coroutine_slot_.clear();
    }
    stop_on_any_cancellation(const stop_on_any_cancellation&) = delete;
    stop_on_any_cancellation& operator=(const stop_on_any_cancellation&) = delete;

    /// The token for the operation: its cancellation comes from here.
    auto token() { return asio::bind_cancellation_slot(signal_.slot(), use_tuple); }

  private:
    asio::cancellation_slot coroutine_slot_;
    asio::cancellation_signal signal_;
};

} // namespace

// Watches the connection for the length of one operation.
struct connection::deadline_guard {
    connection& c;
    deadline_guard(connection& conn, std::chrono::milliseconds timeout) : c(conn) {
        c.expired_ = false;
        // A timeout beyond a day is none (and now + milliseconds::max() overflows).
        c.deadlines_.watch(c, timeout >= std::chrono::hours(24)
                                  ? std::chrono::steady_clock::time_point::max()
                                  : std::chrono::steady_clock::now() + timeout);
    }
    ~deadline_guard() { c.deadlines_.unwatch(c); }
};

connection::connection(asio::any_io_executor ex, asio::ssl::context* tls, std::string server_name,
                       exchange_deadlines& deadlines)
    : server_name_(std::move(server_name)), deadlines_(deadlines) {
    // Beast reads as much as the buffer holds, at least 512 bytes, and the
    // parser moves a body out of it as it comes: left to grow on its own, the
    // buffer stays at 512 bytes and an answer of a few kilobytes costs a
    // system call per 512 bytes. Room for a typical answer makes it one read.
    buffer_.reserve(read_buffer_size);
    if (tls) {
        secure_ = std::make_unique<beast::ssl_stream<asio::ip::tcp::socket>>(ex, *tls);
        if (tls->native_handle() &&
            SSL_CTX_get_verify_mode(tls->native_handle()) != SSL_VERIFY_NONE)
            secure_->set_verify_callback(asio::ssl::host_name_verification(server_name_));
        // SNI: servers hosting several names pick the certificate by it. Never
        // for an address (RFC 6066 forbids it); a name OpenSSL refuses fails
        // the connect rather than going out without it.
        error_code not_an_address;
        asio::ip::make_address(server_name_, not_an_address);
        if (not_an_address &&
            SSL_set_tlsext_host_name(secure_->native_handle(), server_name_.c_str()) != 1)
            setup_error_ = asio::error::invalid_argument;
    } else {
        plain_ = std::make_unique<asio::ip::tcp::socket>(ex);
    }
}

connection::~connection() {
    deadlines_.unwatch(*this);
}

asio::ip::tcp::socket& connection::tcp() {
    return secure_ ? secure_->next_layer() : *plain_;
}

void connection::expire() {
    // Closed, not just cancelled, as Beast's own timeouts do: a cancel misses
    // an operation started after it (the next address of a connect, the next
    // read of a response), which would then run without any deadline.
    expired_ = true;
    reusable_ = false;
    error_code ignored;
    tcp().close(ignored);
}

error_code connection::timed_out_or(error_code ec) const {
    return ec && expired_ ? error_code(beast::error::timeout) : ec;
}

asio::awaitable<error_code> connection::connect(asio::ip::tcp::resolver::results_type endpoints,
                                                std::chrono::milliseconds timeout) {
    if (setup_error_)
        co_return setup_error_;
    deadline_guard guard(*this, timeout);
    auto [ec, ep] = co_await asio::async_connect(tcp(), endpoints, use_tuple);
    ec = timed_out_or(ec);
    if (!ec) {
        tcp().set_option(asio::ip::tcp::no_delay(true), ec);
        ec = {};
    }
    if (!ec && secure_) {
        std::tie(ec) = co_await secure_->async_handshake(asio::ssl::stream_base::client, use_tuple);
        ec = timed_out_or(ec);
    }
    reusable_ = !ec;
    co_return ec;
}

template <typename Stream, typename Write>
asio::awaitable<exchange_result>
connection::run_exchange(Stream& s, Write write, std::chrono::milliseconds timeout,
                         std::size_t max_response, bool final_once_written) {
    exchange_result out;
    reusable_ = false; // until the exchange completes cleanly
    deadline_guard guard(*this, timeout);
    error_code write_ec;
    std::size_t written = 0;
    {
        const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
        stop_on_any_cancellation stop(state.slot());
        std::tie(write_ec, written) = co_await write(s, stop.token());
    }
    out.request_sent = written > 0;
    if (write_ec) {
        out.ec = timed_out_or(write_ec);
        co_return out;
    }
    if (final_once_written) {
        // A partial or terminal cancellation that came while the last bytes
        // were written still stops the exchange (the reset below forgets it).
        const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
        if ((state.cancelled() &
             (asio::cancellation_type::partial | asio::cancellation_type::terminal)) !=
            asio::cancellation_type::none) {
            out.ec = asio::error::operation_aborted;
            co_return out;
        }
        co_await asio::this_coro::reset_cancellation_state(asio::enable_partial_cancellation());
    }
    // Interim responses (100 Continue, 103 Early Hints from a CDN) come before
    // the final one: each is read whole and dropped. 101 is final (and not
    // asked for, so it fails as a bad answer further up).
    constexpr int most_interim = 16;
    for (int interim = 0;; ++interim) {
        auto& parser = parser_.emplace();
        parser.body_limit(max_response);
        parser.header_limit(64 * 1024);
        error_code read_ec;
        std::size_t read = 0;
        {
            const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
            stop_on_any_cancellation stop(state.slot());
            std::tie(read_ec, read) = co_await http::async_read(s, buffer_, parser, stop.token());
        }
        out.response_started = out.response_started || read > 0 || parser.got_some();
        if (read_ec == http::error::body_limit || read_ec == http::error::buffer_overflow) {
            out.ec = errc::response_too_large;
            co_return out;
        }
        if (read_ec) {
            out.ec = timed_out_or(read_ec);
            co_return out;
        }
        const unsigned status = parser.get().result_int();
        if (status >= 100 && status < 200 && status != 101) {
            if (interim == most_interim) {
                out.ec = http::error::bad_status;
                co_return out;
            }
            continue;
        }
        out.response = parser.release();
        parser_.reset();
        break;
    }
    // Bytes after the response were never asked for: the connection's state
    // is unknown, so it is not used again.
    reusable_ = out.response.keep_alive() && buffer_.size() == 0;
    co_return out;
}

// Not coroutines themselves: each hands back run_exchange's awaitable, so an
// exchange costs one coroutine frame, not two (frames are heap allocations).
asio::awaitable<exchange_result> connection::exchange(std::string_view head, std::string_view body,
                                                      std::chrono::milliseconds timeout,
                                                      std::size_t max_response,
                                                      bool final_once_written) {
    // Written by hand, not by Beast's serializer: its buffer sequences cost
    // more than the rest of the write. One write of both parts, as a general
    // buffer sequence, not a two-element array: Asio's write of an array of
    // two keeps the written head as an empty first buffer, and Beast's TLS
    // stream, given more than 16 KB in several buffers, writes only the first
    // one: zero bytes, which ends the write with the body never sent.
    auto write = [buffers = beast::buffers_cat(asio::const_buffer(head.data(), head.size()),
                                               asio::const_buffer(body.data(), body.size()))](
                     auto& s, auto token) { return asio::async_write(s, buffers, token); };
    if (secure_)
        return run_exchange(*secure_, write, timeout, max_response, final_once_written);
    return run_exchange(*plain_, write, timeout, max_response, final_once_written);
}

asio::awaitable<exchange_result> connection::exchange(file_request& request,
                                                      std::chrono::milliseconds timeout,
                                                      std::size_t max_response,
                                                      bool final_once_written) {
    auto write = [&request](auto& s, auto token) { return http::async_write(s, request, token); };
    if (secure_)
        return run_exchange(*secure_, write, timeout, max_response, final_once_written);
    return run_exchange(*plain_, write, timeout, max_response, final_once_written);
}

bool connection::closed_by_peer() {
    // A kept-alive connection is quiet between exchanges; readable means the
    // server closed it (EOF) or sent something unasked: either way, do not use it.
    auto& socket = tcp();
    if (!socket.is_open())
        return true;
    char byte;
    ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) || n > 0;
}

void connection::close() {
    reusable_ = false;
    error_code ignored;
    tcp().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    tcp().close(ignored);
}

} // namespace oneai::detail
