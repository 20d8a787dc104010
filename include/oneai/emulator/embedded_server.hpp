#pragma once
// An emulator running on a thread of its own: what tests, examples and the
// `--emulator` flag of the command line use to get a server with one line.

#include <oneai/config.hpp>
#include <oneai/emulator/config.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace oneai::emulator {

class ONEAI_API embedded_server {
  public:
    /// Starts the server (port 0 picks a free one) and returns once it listens.
    /// Throws std::system_error when it cannot bind.
    explicit embedded_server(config cfg);
    /// Stops the server and joins its thread.
    ~embedded_server();
    embedded_server(const embedded_server&) = delete;
    embedded_server& operator=(const embedded_server&) = delete;

    std::uint16_t port() const noexcept;
    std::string base_url() const;
    /// Reads the counters of GET /emulator/stats, synchronised with the server thread.
    std::string stats_json() const;

  private:
    struct ONEAI_LOCAL impl;
    std::unique_ptr<impl> impl_;
};

} // namespace oneai::emulator
