#pragma once
// When to poll a task's status, and when to stop. Stopping is never reported
// as the task failing: `polling_exhausted` leaves the task id valid for a
// later wait.

#include <oneai/backoff.hpp>

#include <chrono>

namespace oneai {

struct poll_policy {
    /// Before the first status request (a task is rarely done at once).
    std::chrono::milliseconds initial_delay{250};
    /// Between status requests. Decorrelated jitter lets tasks submitted
    /// together drift apart instead of polling in lock-step.
    backoff delays =
        backoff::decorrelated_jitter(std::chrono::milliseconds{250}, std::chrono::seconds{5});
    /// 0 = no limit on the number of status requests.
    unsigned max_polls = 0;
    /// 0 = no limit besides the operation's deadline.
    std::chrono::milliseconds max_duration{0};
    /// Wait at least the server's Retry-After when it sends one.
    bool honour_retry_after = true;
};

} // namespace oneai
