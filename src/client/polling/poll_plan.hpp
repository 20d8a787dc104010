#pragma once
// When to poll a task whose service time is known in distribution: the poll
// times that need the fewest status requests on average for a mean detection
// delay (completion to the poll that sees it) of at most a target. Found by
// dynamic programming over a time grid, for a log-normal service time.
// Sans-I/O and deterministic.

#include <chrono>
#include <cstdint>
#include <vector>

namespace oneai::detail {

/// A log-normal service time: the median, and sigma of its logarithm.
struct service_time_estimate {
    double median_ms = 0;
    double sigma = 0;
};

struct poll_plan {
    /// Poll times in milliseconds after the task was created, increasing.
    /// After the last one, polls follow every `ceiling`.
    std::vector<std::uint32_t> at_ms;
    double expected_polls = 0;    // under the estimate
    double expected_delay_ms = 0; // mean detection delay under the estimate
};

struct plan_limits {
    std::chrono::milliseconds floor{100};     // shortest gap between polls (and first poll)
    std::chrono::milliseconds ceiling{30000}; // longest gap
};

/// The fewest expected polls for a mean detection delay of at most `target`.
poll_plan plan_polls(service_time_estimate t, std::chrono::milliseconds target, plan_limits limits);

/// The plan minimising expected polls + `weight` x expected delay in ms
/// (a point of the trade-off curve; plan_polls searches the weight).
poll_plan plan_polls_weighted(service_time_estimate t, double weight, plan_limits limits);

/// Expected polls and mean delay of any schedule under the estimate
/// (polls every `ceiling` after the last time given).
poll_plan evaluate_schedule(service_time_estimate t, std::vector<std::uint32_t> at_ms,
                            plan_limits limits);

} // namespace oneai::detail
