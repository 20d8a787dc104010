#pragma once

#include <oneai/config.hpp>
#include <oneai/emulator/config.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace oneai::emulator {

/// An emulator running on a thread of its own: what tests, examples and the
/// `--emulator` flag of the command line use to get a server with one line.
///
///     oneai::emulator::embedded_server emulator(cfg);
///     opts.base_url = emulator.base_url();
///
/// Its members may be called from any thread.
class ONEAI_API embedded_server {
  public:
    /// Starts the server (port 0 picks a free one) and returns once it listens.
    /// Throws std::system_error when it cannot bind.
    explicit embedded_server(config cfg);
    /// Stops the server and joins its thread.
    ~embedded_server();
    embedded_server(const embedded_server&) = delete;            ///< Not copyable.
    embedded_server& operator=(const embedded_server&) = delete; ///< Not copyable.

    /// The port it listens on (the one picked, when the config said 0).
    std::uint16_t port() const noexcept;
    /// `http://address:port` or `https://...`, ready to use as a client's base URL.
    std::string base_url() const;
    /// Reads the counters of GET /emulator/stats, synchronised with the server thread.
    std::string stats_json() const;

  private:
    struct ONEAI_LOCAL impl;
    std::unique_ptr<impl> impl_;
};

} // namespace oneai::emulator
