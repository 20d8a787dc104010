#pragma once
// Everything that shapes the emulator's behaviour, as a plain aggregate: set the
// fields you care about and leave the rest at their defaults.

#include <oneai/emulator/fault_config.hpp>
#include <oneai/emulator/latency_model.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace oneai::emulator {

struct config {
    /// Address to listen on. Loopback by default: the emulator is a development tool.
    std::string address = "127.0.0.1";
    /// Port to listen on; 0 picks a free one (see server::port()).
    std::uint16_t port = 8080;

    /// Processing slots: tasks beyond this many wait QUEUED. 0 means unlimited.
    std::size_t workers = 256;
    /// Processing time of a task once it is RUNNING.
    latency_model latency = latency_model::fixed(std::chrono::milliseconds{200});
    /// How long a finished task stays retrievable before it answers 404 / 40400.
    std::chrono::milliseconds ttl = std::chrono::hours{1};

    /// Accepted API keys. Empty: any non-empty key is accepted.
    std::vector<std::string> api_keys;
    /// Queued plus running jobs allowed per API key; above it submits get 429 / 60009.
    /// 0 means unlimited.
    std::size_t max_concurrent_jobs = 0;
    /// When non-zero, 429 answers carry `Retry-After: <seconds>`.
    std::chrono::seconds retry_after{0};
    /// Answer async submits with 202 instead of 200 (both occur in the wild).
    bool submit_status_202 = false;

    /// Seed of the random decisions: latencies and faults (and ids with `seeded_ids`).
    std::uint64_t seed = 1;
    /// Task and request ids drawn from `seed`, the same run after run. Off by
    /// default: ids come from the operating system's CSPRNG, so that one id tells
    /// nothing about another. The --seed flag turns it on.
    bool seeded_ids = false;
    fault_config faults;

    /// PEM files; when both are set the emulator speaks HTTPS only.
    std::string tls_cert_file;
    std::string tls_key_file;

    /// Largest request body accepted; larger ones get 413.
    std::size_t body_limit = 32 * 1024 * 1024;
    /// Largest request header block accepted; larger ones get 431.
    std::size_t header_limit = 16 * 1024;
    /// A connection idle for this long between requests is closed.
    std::chrono::seconds idle_timeout{60};

    /// Tasks kept at once (queued, running and finished ones not yet expired).
    /// Beyond it new submits are refused with 503 / 50002 until tasks expire.
    std::size_t max_stored_tasks = 1'000'000;
    /// Rows a CSV input may have (after skip_rows, within max_rows); beyond it
    /// the request is refused with 400 / 40008. Each row is a full result.
    std::size_t max_csv_rows = 100'000;
    /// Open client connections; further ones are closed as soon as accepted.
    std::size_t max_connections = 10'000;

    bool tls_enabled() const noexcept { return !tls_cert_file.empty() && !tls_key_file.empty(); }
};

} // namespace oneai::emulator
