#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

#include <cctype>

namespace oneai::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

http::request<http::string_body> make_request(const http_call& call) {
    http::request<http::string_body> req{http::string_to_verb(call.method), call.target, 11};
    req.set(http::field::host, "localhost");
    for (const auto& [name, value] : call.headers)
        req.set(name, value);
    req.body() = call.body;
    req.prepare_payload();
    return req;
}

http_answer to_answer(http::response<http::string_body>& res) {
    http_answer out;
    out.status = res.result_int();
    for (const auto& field : res) {
        std::string name(field.name_string());
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(field.value());
    }
    out.body = std::move(res.body());
    return out;
}

template <typename Stream>
http_answer exchange(Stream& stream, const http_call& call, beast::flat_buffer& buffer) {
    auto req = make_request(call);
    http::write(stream, req);
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    http::read(stream, buffer, parser);
    auto res = parser.release();
    return to_answer(res);
}

} // namespace

boost::json::value http_answer::json() const {
    return boost::json::parse(body);
}

std::string http_answer::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string{} : it->second;
}

http_answer send(std::uint16_t port, const http_call& call) {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    beast::flat_buffer buffer;
    return exchange(socket, call, buffer);
}

http_answer send_tls(std::uint16_t port, const http_call& call, const std::string& ca_file,
                     const std::string& host) {
    asio::io_context io;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(ca_file);
    ctx.set_verify_mode(asio::ssl::verify_peer);
    asio::ssl::stream<tcp::socket> stream(io, ctx);
    stream.set_verify_callback(asio::ssl::host_name_verification(host));
    SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
    stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
    stream.handshake(asio::ssl::stream_base::client);
    beast::flat_buffer buffer;
    return exchange(stream, call, buffer);
}

std::string send_raw(std::uint16_t port, const std::string& bytes) {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    asio::write(socket, asio::buffer(bytes));
    std::string answer;
    boost::system::error_code ec;
    asio::read(socket, asio::dynamic_buffer(answer), ec); // until the server closes
    return answer;
}

http_call get(std::string target) {
    http_call c;
    c.target = std::move(target);
    return c;
}

http_call post_json(std::string target, std::string body) {
    http_call c;
    c.method = "POST";
    c.target = std::move(target);
    c.body = std::move(body);
    c.headers["content-type"] = "application/json";
    return c;
}

struct keep_alive_connection::impl {
    asio::io_context io;
    tcp::socket socket{io};
    beast::flat_buffer buffer;
};

keep_alive_connection::keep_alive_connection(std::uint16_t port) : impl_(std::make_unique<impl>()) {
    impl_->socket.connect({asio::ip::make_address("127.0.0.1"), port});
}

keep_alive_connection::~keep_alive_connection() = default;

http_answer keep_alive_connection::send(const http_call& call) {
    return exchange(impl_->socket, call, impl_->buffer);
}

} // namespace oneai::test
