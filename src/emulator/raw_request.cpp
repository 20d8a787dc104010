#include "raw_request.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include <string>

namespace oneai::emulator::detail {
namespace {

// The same split as a connection makes: parse errors that mean the client
// sent something that is not HTTP get a 400; a request cut short gets nothing.
bool is_malformed(const boost::system::error_code& ec) {
    return ec.category() == http::make_error_code(http::error::bad_method).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message &&
           ec != http::error::need_more && ec != http::error::body_limit &&
           ec != http::error::header_limit;
}

} // namespace

std::optional<raw_answer> answer_raw_request(api_router& router, const config& cfg,
                                             std::string_view bytes, steady_time now) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(cfg.header_limit));
    parser.body_limit(cfg.body_limit);
    parser.eager(true); // header and body in one put, as a stream read does

    raw_answer out;
    boost::system::error_code ec;
    while (!parser.is_done() && out.consumed < bytes.size()) {
        const std::size_t n = parser.put(
            boost::asio::buffer(bytes.data() + out.consumed, bytes.size() - out.consumed), ec);
        out.consumed += n;
        if (ec == http::error::need_more) {
            // These are all the bytes there are. A stream read would read more
            // before the next put; calling put again on the same tail breaks
            // the parser's contract (Beast asserts on a final chunk split so).
            ec = {};
            break;
        }
        if (ec)
            break;
    }
    if (!ec && !parser.is_done()) {
        // The bytes ended: the peer closed mid-request (or before one).
        parser.put_eof(ec);
        if (!ec && !parser.is_done())
            return std::nullopt;
    }
    if (ec) {
        int code = 0;
        std::string details;
        if (ec == http::error::body_limit) {
            code = emulator_codes::body_too_large;
            details = "the body exceeds " + std::to_string(cfg.body_limit) + " bytes";
        } else if (ec == http::error::header_limit) {
            code = emulator_codes::headers_too_large;
            details = "the headers exceed " + std::to_string(cfg.header_limit) + " bytes";
        } else if (is_malformed(ec)) {
            code = emulator_codes::malformed_http;
            details = "could not parse the HTTP request: " + ec.message();
        } else {
            return std::nullopt;
        }
        out.answer = router.error_response(code, std::move(details), 11);
        return out;
    }
    out.parsed = true;
    out.answer = router.handle(parser.get(), now);
    return out;
}

} // namespace oneai::emulator::detail
