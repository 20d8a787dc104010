#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace oneai {

/// A snapshot of a running batch's counts (batch_engine::progress()), and the
/// final counts in its batch_summary.
struct batch_progress {
    std::uint64_t read = 0;                  ///< items taken from the source
    std::uint64_t skipped = 0;               ///< already finished in an earlier run (resume)
    std::uint64_t submitted = 0;             ///< accepted by the service (this run)
    std::uint64_t in_flight = 0;             ///< submitted and not finished
    std::uint64_t completed = 0;             ///< completed outcomes
    std::uint64_t failed = 0;                ///< failed, invalid, unknown and error outcomes
    std::uint64_t unknown = 0;               ///< of which: submit outcome unknown
    std::uint64_t rate_limited = 0;          ///< 429 answers seen
    std::uint64_t retries = 0;               ///< requests the client sent again
    std::size_t limit = 0;                   ///< the current adaptive in-flight limit
    double per_second = 0;                   ///< finished items per second so far
    std::chrono::seconds elapsed{0};         ///< since the run started
    std::optional<std::chrono::seconds> eta; ///< time left, when the total is known
    bool source_done = false;                ///< the source has no more items
};

} // namespace oneai
