#pragma once

#include <oneai/config.hpp>
#include <oneai/emulator/config.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace oneai::emulator {

/// The One AI Pipeline API emulator: an HTTP(S) server on a caller-supplied
/// io_context. All of its work (parsing, task timers, responses) runs on that
/// io_context; run it on one thread. (embedded_server runs one on a thread of
/// its own.)
///
/// Thread safety: construct, start() and stop() from the thread that runs the
/// io_context, or before it runs. stats_json() likewise.
class ONEAI_API server {
  public:
    /// A server on `io` (held by reference: it must outlive the server), not
    /// yet listening; start() binds.
    server(boost::asio::io_context& io, config cfg);
    /// Stops, as stop() does.
    ~server();
    server(const server&) = delete;            ///< Not copyable.
    server& operator=(const server&) = delete; ///< Not copyable.

    /// Binds, listens and starts accepting. Throws std::system_error when the
    /// address cannot be bound. Returns the port actually bound.
    std::uint16_t start();

    /// Stops accepting, closes every connection and cancels task timers. Tasks
    /// are forgotten. Idempotent.
    void stop();

    /// The bound port (0 before start()).
    std::uint16_t port() const noexcept;
    /// `http://address:port` or `https://...`, ready to use as a client's base URL.
    std::string base_url() const;
    /// The counters served at GET /emulator/stats.
    std::string stats_json() const;

  private:
    struct ONEAI_LOCAL impl;
    std::shared_ptr<impl> impl_;
};

} // namespace oneai::emulator
