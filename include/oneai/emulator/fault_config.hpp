#pragma once

#include <oneai/emulator/scheduled_fault.hpp>

#include <chrono>
#include <vector>

namespace oneai::emulator {

/// Faults the emulator injects on purpose, so that clients can be tested
/// against the failures a real service shows.
///
/// Random faults are drawn from generators of their own, seeded from the
/// emulator's seed and used for nothing else (request faults from one, task
/// failures from another): a run with the same seed and the same requests
/// injects the same faults, whatever else draws (latencies, ids). Scheduled
/// faults hit the request they name, with no drawing at all. Probabilities are
/// from 0 to 1.
struct fault_config {
    /// Probability that a task ends FAILED (error 50000) instead of COMPLETED.
    double task_failure_rate = 0.0;
    /// Probability that an API request is answered 500 / 50000 without being processed.
    double http_500_rate = 0.0;
    /// Probability that an API request is answered 503 / 50002 without being processed.
    double http_503_rate = 0.0;
    /// Probability that the connection is reset instead of answered. The request
    /// *was* processed: on a submit the task exists, but the client never learns its id.
    double reset_rate = 0.0;
    /// Probability that a response is held back for `slow_delay` before it is sent.
    double slow_rate = 0.0;
    /// How long a slow response is held back.
    std::chrono::milliseconds slow_delay{2000};
    /// 429 storms: during the first `storm_length` of every `storm_every`, counted
    /// from the server's start, every submit is refused with 429 / 60009.
    std::chrono::milliseconds storm_every{0};
    /// How long each 429 storm lasts; 0 = no storms.
    std::chrono::milliseconds storm_length{0};
    /// Faults for the requests they name ("reset the first POST"); applied
    /// before any random fault is drawn for that request.
    std::vector<scheduled_fault> scheduled;

    /// Whether any fault is configured.
    bool any() const noexcept {
        return task_failure_rate > 0 || http_500_rate > 0 || http_503_rate > 0 || reset_rate > 0 ||
               slow_rate > 0 || storm_length.count() > 0 || !scheduled.empty();
    }
};

} // namespace oneai::emulator
