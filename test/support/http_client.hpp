#pragma once
// A blocking HTTP(S) client for integration tests: one connection per call
// unless a keep_alive_connection is used. Tests want plain answers, not a
// production client (that is the library's job).

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace oneai::test {

struct http_answer {
    unsigned status = 0;
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;
    boost::json::value json() const;
    std::string header(const std::string& lower_name) const;
};

struct http_call {
    std::string method = "GET";
    std::string target = "/";
    std::string body;
    std::map<std::string, std::string> headers{{"api-key", "test-key"}};
};

/// Plain HTTP to 127.0.0.1:port. Throws boost::system::system_error when the
/// connection fails or is reset.
http_answer send(std::uint16_t port, const http_call& call);
/// HTTPS to 127.0.0.1:port, verifying the certificate against `ca_file` and
/// the host name `host`.
http_answer send_tls(std::uint16_t port, const http_call& call, const std::string& ca_file,
                     const std::string& host = "localhost");
/// Writes raw bytes and returns whatever the server answers before closing.
std::string send_raw(std::uint16_t port, const std::string& bytes);

http_call get(std::string target);
http_call post_json(std::string target, std::string body);

/// Several requests on one kept-alive connection.
class keep_alive_connection {
  public:
    explicit keep_alive_connection(std::uint16_t port);
    ~keep_alive_connection();
    http_answer send(const http_call& call);

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace oneai::test
