#pragma once
// The one place that decides when a task is polled next and when polling
// stops, for client::async_wait and the poll_scheduler alike: from the policy,
// the task's history, the last answer (its Retry-After included, that answer's
// only), the deadline and, in adaptive mode, the plan for the task's expected
// service time. Sans-I/O: the caller brings the clock and the randomness.

#include "poll_plan.hpp"

#include <oneai/error.hpp>
#include <oneai/poll_policy.hpp>
#include <oneai/task_status.hpp>

#include <chrono>
#include <optional>
#include <random>

namespace oneai::detail {

using poll_clock = std::chrono::steady_clock;

struct poll_history {
    poll_clock::time_point started{}; // the task was accepted (about when it was created)
    unsigned polls = 0;               // status requests answered, the last one included
    std::chrono::milliseconds previous_delay{0};
};

struct poll_answer {
    error_code ec; // the status request's error (the client already retried it)
    task_state state = task_state::unknown;
    std::optional<std::chrono::milliseconds> retry_after; // this answer's hint only
};

struct poll_step {
    enum class action { poll, finish } what = action::poll;
    poll_clock::time_point at{};        // poll: when
    error_code ec;                      // finish: success, task_failed, polling_exhausted, ...
    std::chrono::milliseconds delay{0}; // poll: the delay chosen (for the next decision)
};

struct poll_context {
    const poll_policy& policy;
    std::optional<poll_clock::time_point> deadline;
    const poll_plan* plan = nullptr; // adaptive mode, when the service time is known
    std::chrono::milliseconds max_retry_after{60000};
    /// Adaptive mode without a plan: whether this task polls first early
    /// (after `delays.base()`), as a scout for its pipeline. Tasks that start
    /// together with nothing known share one scout a second (see
    /// poll_planner::scout) rather than each polling early.
    bool scout = true;
};

/// When to send the first status request.
poll_step first_poll(const poll_context& c, const poll_history& h, poll_clock::time_point now);

/// After an answer: poll again (when) or finish (how).
poll_step next_poll(const poll_context& c, const poll_history& h, const poll_answer& a,
                    poll_clock::time_point now, std::mt19937_64& rng);

} // namespace oneai::detail
