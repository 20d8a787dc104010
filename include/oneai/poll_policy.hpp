#pragma once

#include <oneai/backoff.hpp>
#include <oneai/config.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace oneai {

/// How poll_policy decides when to poll.
enum class poll_mode {
    adaptive, ///< when the task is likely done, learnt from the tasks that finished
    schedule  ///< `initial_delay`, then `delays`, whatever the task
};

/// When to poll a task's status, and when to stop.
///
/// Stopping is never reported as the task failing: errc::polling_exhausted
/// leaves the task id valid for a later wait.
///
/// Two modes:
/// - adaptive (the default): the client learns the service's time from the
///   tasks that finish (their own creation and completion times, per pipeline
///   and input size) and polls when a task is likely done: the fewest polls
///   for a mean detection delay of at most `target_delay`, every gap between
///   `floor` and `ceiling`. Until it knows anything (and past a plan that a
///   task outlived) it polls first after `delays.base()`, then every twice the
///   target delay, or a quarter of the task's age when that is longer.
/// - schedule: `initial_delay`, then `delays`, whatever the task.
///
/// A plain value, copied into each wait. See docs/tasks-and-polling.md.
struct ONEAI_API poll_policy {
    /// Adaptive (learnt) or a fixed schedule.
    poll_mode mode = poll_mode::adaptive;
    /// Before the first status request (schedule mode).
    std::chrono::milliseconds initial_delay{250};
    /// Between status requests (schedule mode); its base is the adaptive
    /// mode's first poll while it knows nothing yet.
    backoff delays =
        backoff::exponential(std::chrono::milliseconds{250}, std::chrono::seconds{4}, 1.5);
    /// The target_delay of a default policy.
    static constexpr std::chrono::milliseconds default_target_delay{500};
    /// Adaptive mode: the mean time from a task's completion to the poll that
    /// sees it. Smaller means faster answers and more polls.
    std::chrono::milliseconds target_delay = default_target_delay;
    /// Adaptive mode: the shortest gap between two polls of a task.
    std::chrono::milliseconds floor{100};
    /// Adaptive mode: the longest gap between two polls of a task.
    std::chrono::milliseconds ceiling{30000};
    /// 0 = no limit on the number of status requests.
    unsigned max_polls = 0;
    /// 0 = no limit besides the operation's deadline.
    std::chrono::milliseconds max_duration{0};
    /// Wait at least the server's Retry-After when it sends one (that answer's only).
    bool honour_retry_after = true;

    /// The adaptive policy with a target mean detection delay.
    static poll_policy adaptive(std::chrono::milliseconds target_delay = default_target_delay);
    /// A fixed schedule: the first poll after `first`, then `delays`.
    static poll_policy scheduled(backoff delays);
    /// `adaptive` (target 500 ms), `adaptive:300ms`, or a backoff spec (`fixed:1s`,
    /// `exp:250ms..8s`,
    /// ...; see backoff::parse). Throws std::invalid_argument.
    static poll_policy parse(std::string_view spec);
};

} // namespace oneai
