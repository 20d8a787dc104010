#pragma once

#include <oneai/load/latency_histogram.hpp>

#include <cstddef>
#include <cstdint>

namespace oneai::load {

/// One second of a load report's time series: what ended in that second, and
/// how many tasks were in flight.
struct second_stats {
    std::uint64_t completed = 0; ///< tasks that ended COMPLETED in this second
    std::uint64_t failed = 0;    ///< tasks that ended FAILED
    std::uint64_t errors = 0;    ///< tasks that ended with an error
    /// The most tasks in flight sampled in this second (merged reports add
    /// their generators' peaks).
    std::size_t in_flight = 0;
    /// End-to-end latencies of the tasks that ended in this second.
    latency_histogram end_to_end;

    /// completed + failed + errors.
    std::uint64_t ended() const noexcept { return completed + failed + errors; }
    /// Every count and the histogram the same.
    friend bool operator==(const second_stats&, const second_stats&) = default;
};

} // namespace oneai::load
