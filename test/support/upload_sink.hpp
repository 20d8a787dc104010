#pragma once
// A loopback HTTP server that reads each request's body in small pieces and
// throws it away, counting its bytes, then answers with a fixed reply: what a
// test of a large upload needs, since the emulator keeps a whole body in memory.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace oneai::test {

class upload_sink {
  public:
    /// `reply`: the raw HTTP answer sent once a whole body has arrived (the
    /// connection is closed after it). `on_piece` (optional) runs on the
    /// server's thread after each piece of a body is read.
    explicit upload_sink(std::string reply, std::function<void()> on_piece = {});
    ~upload_sink();
    upload_sink(const upload_sink&) = delete;
    upload_sink& operator=(const upload_sink&) = delete;

    std::uint16_t port() const;
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    /// Requests whose body was read to its end.
    int requests() const;
    /// Body bytes of the last request read to its end.
    std::uint64_t last_body_bytes() const;
    /// The head of the last request (through its blank line).
    std::string last_head() const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// The memory this process holds, in bytes: its resident set size (from
/// /proc/self/statm), or under a sanitizer, whose allocator keeps freed memory
/// resident for a while (ASan's quarantine), the bytes allocated and not freed.
std::uint64_t memory_in_use();

} // namespace oneai::test
