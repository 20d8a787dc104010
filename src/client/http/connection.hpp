#pragma once
// One HTTP/1.1 connection, plain or TLS, used for one exchange at a time.
// After an error, a timeout or a cancelled exchange it is not reusable.

#include "exchange_deadlines.hpp"

#include <oneai/error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace oneai::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

using file_request = http::request<http::file_body>;
using string_response = http::response<http::string_body>;

struct exchange_result {
    error_code ec;
    bool request_sent = false;     // some request bytes were written
    bool response_started = false; // some response bytes were read
    string_response response;
};

class connection final : private exchange_deadlines::watched {
  public:
    /// `tls` null for plain HTTP. `server_name` is sent as SNI and verified.
    /// `deadlines` times out its connect and exchanges; it outlives the connection.
    connection(asio::any_io_executor ex, asio::ssl::context* tls, std::string server_name,
               exchange_deadlines& deadlines);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    asio::awaitable<error_code> connect(asio::ip::tcp::resolver::results_type endpoints,
                                        std::chrono::milliseconds timeout);
    /// `final_once_written`: from the moment the request is written, only
    /// partial or terminal cancellation may stop the exchange (a submit that
    /// reached the server cannot be undone, so a total cancel no longer applies).
    /// A request written as given: `head` (request line and headers, through
    /// the blank line) then `body`, in one write. Not a coroutine: it returns
    /// the exchange's awaitable, and both must outlive the await of it.
    asio::awaitable<exchange_result> exchange(std::string_view head, std::string_view body,
                                              std::chrono::milliseconds timeout,
                                              std::size_t max_response, bool final_once_written);
    asio::awaitable<exchange_result> exchange(file_request& request,
                                              std::chrono::milliseconds timeout,
                                              std::size_t max_response, bool final_once_written);

    /// False after anything that leaves the stream in an unknown state.
    bool reusable() const noexcept { return reusable_; }
    /// A kept-alive connection the server has closed meanwhile (checked
    /// without blocking, at the cost of a system call).
    bool closed_by_peer();
    void close();

    /// What one read of an answer takes at most (the buffer grows for more).
    static constexpr std::size_t read_buffer_size = 16 * 1024;

    std::chrono::steady_clock::time_point idle_since{};
    bool reused = false;

  private:
    // `write(stream)` writes the request: an awaitable of (error_code, bytes).
    template <typename Stream, typename Write>
    asio::awaitable<exchange_result>
    run_exchange(Stream& s, Write write, std::chrono::milliseconds timeout,
                 std::size_t max_response, bool final_once_written);

    asio::ip::tcp::socket& tcp();
    void expire() override; // the deadline passed: cancel what is under way
    struct deadline_guard;
    // Beast's error for an operation that ran out of time, when it did.
    error_code timed_out_or(error_code ec) const;

    // A plain socket, not Beast's tcp_stream: the deadlines above time every
    // exchange, and tcp_stream's own timeout layer (unused) costs on every read and write.
    std::unique_ptr<asio::ip::tcp::socket> plain_;
    std::unique_ptr<beast::ssl_stream<asio::ip::tcp::socket>> secure_;
    std::string server_name_;
    exchange_deadlines& deadlines_;
    bool expired_ = false;
    beast::flat_buffer buffer_;
    // The response being read, made anew for each (a Beast parser reads one
    // message). A member, not a local of the exchange: a local would be in
    // the coroutine's frame, and a frame past a kilobyte misses every
    // allocator cache.
    std::optional<http::response_parser<http::string_body>> parser_;
    bool reusable_ = false;
    error_code setup_error_; // the TLS stream could not be set up: connect() fails with it
};

} // namespace oneai::detail
