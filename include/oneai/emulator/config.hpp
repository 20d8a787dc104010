#pragma once

#include <oneai/emulator/fault_config.hpp>
#include <oneai/emulator/latency_model.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace oneai::emulator {

/// Everything that shapes the emulator's behaviour, as a plain aggregate: set
/// the fields you care about and leave the rest at their defaults.
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
    /// When non-zero, 429 answers carry `Retry-After` asking for this long.
    std::chrono::seconds retry_after{0};
    /// How Retry-After is written. HTTP allows delay-seconds or an HTTP-date in
    /// any of three forms; a date is the answer's time plus `retry_after`,
    /// rounded up to the next whole second (a date has no finer resolution).
    enum class retry_after_format : std::uint8_t {
        seconds,     ///< `Retry-After: 2`
        imf_date,    ///< `Retry-After: Sun, 06 Nov 1994 08:49:37 GMT` (the preferred date form)
        rfc850_date, ///< `Retry-After: Sunday, 06-Nov-94 08:49:37 GMT` (obsolete)
        asctime_date ///< `Retry-After: Sun Nov  6 08:49:37 1994` (obsolete)
    };
    /// The form of the Retry-After header the emulator writes.
    retry_after_format retry_after_form = retry_after_format::seconds;
    /// Answer async submits with 202 instead of 200 (both occur in the wild).
    bool submit_status_202 = false;
    /// Where a FAILED task's error object goes in its status answer. The docs
    /// say `error`; the official SDKs read `result`. `both` (the default)
    /// serves either reader; the others leave the other field null, so a
    /// client that reads only one field fails against one of them.
    enum class failed_error_field : std::uint8_t {
        both,       ///< in `error` and in `result`
        error_only, ///< in `error`; `result` is null
        result_only ///< in `result`; `error` is null
    };
    /// Which field(s) of a FAILED task's status hold its error.
    failed_error_field failed_error_in = failed_error_field::both;

    /// Seed of the random decisions: latencies and faults (and ids with
    /// `seeded_ids`), each from a generator of its own.
    std::uint64_t seed = 1;
    /// Task and request ids drawn from `seed`, the same run after run. Off by
    /// default: ids come from the operating system's CSPRNG, so that one id tells
    /// nothing about another. The --seed flag turns it on.
    bool seeded_ids = false;
    /// Failures injected on purpose; none by default.
    fault_config faults;

    /// PEM file of the certificate (chain); when it and the key are both set the
    /// emulator speaks HTTPS only.
    std::string tls_cert_file;
    /// PEM file of the certificate's private key.
    std::string tls_key_file;

    /// Largest request body accepted; larger ones get 413.
    std::size_t body_limit = 32 * 1024 * 1024;
    /// Largest request header block accepted; larger ones get 431.
    std::size_t header_limit = 16 * 1024;
    /// A connection idle for this long between requests is closed (a short one,
    /// say 200ms, tests a client's reuse of kept-alive connections).
    std::chrono::milliseconds idle_timeout{std::chrono::seconds{60}};

    /// Tasks kept at once (queued, running and finished ones not yet expired).
    /// Beyond it new submits are refused with 503 / 50002 until tasks expire.
    std::size_t max_stored_tasks = 1'000'000;
    /// Rows a CSV input may have (after skip_rows, within max_rows); beyond it
    /// the request is refused with 400 / 40008. Each row is a full result.
    std::size_t max_csv_rows = 100'000;
    /// Open client connections; further ones are closed as soon as accepted.
    std::size_t max_connections = 10'000;

    /// Whether both TLS files are set, so the server speaks HTTPS.
    bool tls_enabled() const noexcept { return !tls_cert_file.empty() && !tls_key_file.empty(); }
};

} // namespace oneai::emulator
