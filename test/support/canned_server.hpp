#pragma once
// A loopback server that answers every request with a fixed raw reply (or
// closes the connection), for answers the emulator never gives on purpose:
// malformed JSON, truncated bodies, resets before a response.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace oneai::test {

class canned_server {
  public:
    /// `reply`: the raw bytes sent after each request's headers arrive; empty
    /// means close the connection without answering. The connection is closed
    /// after each reply, unless `keep_alive`: then the next request is read
    /// on it (whatever the reply said).
    explicit canned_server(std::string reply, bool keep_alive = false);

    struct script {
        /// The Nth request (counted over all connections) gets replies[N], the
        /// last one repeating; an empty reply closes without answering.
        std::vector<std::string> replies;
        bool keep_alive = false;
        /// With keep_alive: each connection answers this many requests, then
        /// reads the next one and closes without answering: a server closing
        /// a kept-alive connection just as the client reuses it. 0: no limit.
        int answers_per_connection = 0;
    };
    explicit canned_server(script s);
    ~canned_server();
    std::uint16_t port() const;
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    int requests() const;
    int connections() const;
    /// Holds the reply to request number `n` (1-based, counted over all
    /// connections) back for `delay`: a server that stalls once. Call before
    /// that request arrives.
    void stall(int n, std::chrono::milliseconds delay);
    /// The head of the last request (through its blank line), as it arrived.
    std::string last_request() const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// A raw HTTP/1.1 200 answer with `body`; `declared_length` (when set) is
/// announced instead of the real length, to make a truncated body. It says
/// `Connection: close`, or `keep-alive` when asked.
std::string raw_reply(const std::string& body, long declared_length = -1, bool keep_alive = false);

} // namespace oneai::test
