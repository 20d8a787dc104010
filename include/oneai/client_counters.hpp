#pragma once

#include <cstdint>

namespace oneai {

/// A snapshot of what a client has done since it was made (client::counters(),
/// which may be read from any thread). Every count only grows, except
/// `in_flight`.
struct client_counters {
    std::uint64_t requests = 0;           ///< HTTP attempts started
    std::uint64_t responses = 0;          ///< HTTP responses received (any status)
    std::uint64_t transport_errors = 0;   ///< attempts that ended without a response
    std::uint64_t retries = 0;            ///< attempts that were retries of an earlier one
    std::uint64_t submits = 0;            ///< tasks accepted by the server
    std::uint64_t polls = 0;              ///< task status requests
    std::uint64_t completed = 0;          ///< waits that ended COMPLETED
    std::uint64_t failed = 0;             ///< waits that ended FAILED
    std::uint64_t rate_limited = 0;       ///< 429 answers
    std::uint64_t connections_opened = 0; ///< new connections (TCP, and TLS when used)
    std::uint64_t connections_reused = 0; ///< requests sent on a kept-alive connection
    std::uint64_t in_flight = 0;          ///< operations running now
};

} // namespace oneai
