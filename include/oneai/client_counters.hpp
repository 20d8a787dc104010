#pragma once
// A snapshot of what a client has done since it was made.

#include <cstdint>

namespace oneai {

struct client_counters {
    std::uint64_t requests = 0;         // HTTP attempts started
    std::uint64_t responses = 0;        // HTTP responses received (any status)
    std::uint64_t transport_errors = 0; // attempts that ended without a response
    std::uint64_t retries = 0;
    std::uint64_t submits = 0; // tasks accepted by the server
    std::uint64_t polls = 0;
    std::uint64_t completed = 0;    // waits that ended COMPLETED
    std::uint64_t failed = 0;       // waits that ended FAILED
    std::uint64_t rate_limited = 0; // 429 answers
    std::uint64_t connections_opened = 0;
    std::uint64_t connections_reused = 0;
    std::uint64_t in_flight = 0; // operations running now
};

} // namespace oneai
