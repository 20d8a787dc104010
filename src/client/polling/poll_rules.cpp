#include "poll_rules.hpp"

#include <algorithm>

namespace oneai::detail {
namespace {

using std::chrono::milliseconds;

milliseconds since(poll_clock::time_point from, poll_clock::time_point now) {
    return std::chrono::duration_cast<milliseconds>(now - from);
}

// Without a plan that fits the task (nothing learnt yet, or the task outlived
// its plan): gaps of twice the target delay, so the mean delay stays near it,
// growing with the task's age (a quarter of it) so that long tasks are not
// polled every second for minutes.
std::chrono::milliseconds unplanned_gap(const poll_context& c, const poll_history& h,
                                        poll_clock::time_point now) {
    const auto gap = std::max(2 * c.policy.target_delay, since(h.started, now) / 4);
    return std::clamp(gap, c.policy.floor, c.policy.ceiling);
}

// The planned poll after `elapsed`, at least `floor` from now.
std::optional<poll_clock::time_point> planned(const poll_context& c, const poll_history& h,
                                              poll_clock::time_point now) {
    if (!c.plan || c.plan->at_ms.empty())
        return std::nullopt;
    const auto earliest = since(h.started, now) + c.policy.floor;
    const auto& at = c.plan->at_ms;
    auto it = std::lower_bound(
        at.begin(), at.end(),
        static_cast<std::uint32_t>(std::clamp<long long>(earliest.count(), 0, UINT32_MAX)));
    // A task whose plan changed (the estimate moved) lands between two of the
    // new plan's polls: it skips one nearer than half the plan's gap there, or
    // every change of estimate would cost it a poll.
    if (it != at.end() && it != at.begin()) {
        const auto elapsed = since(h.started, now).count();
        if (static_cast<long long>(*it) - elapsed < (*it - *std::prev(it)) / 2)
            ++it;
    }
    if (it == at.end()) // past the plan's horizon the estimate was wrong for this task
        return now + unplanned_gap(c, h, now);
    return h.started + milliseconds(*it);
}

// Clamps a poll time to the policy's bounds and the deadline.
poll_step bounded(const poll_context& c, const poll_history& h, poll_clock::time_point at,
                  poll_clock::time_point now) {
    if (c.policy.max_duration.count() > 0)
        at = std::min(at, h.started + c.policy.max_duration);
    if (c.deadline)
        at = std::min(at, *c.deadline); // the last poll happens at the deadline
    at = std::max(at, now);
    return {poll_step::action::poll, at, {}, since(now, at)};
}

} // namespace

poll_step first_poll(const poll_context& c, const poll_history& h, poll_clock::time_point now) {
    if (c.policy.mode == poll_mode::adaptive) {
        if (auto at = planned(c, h, now))
            return bounded(c, h, *at, now);
        return bounded(c, h, now + (c.scout ? c.policy.delays.base() : unplanned_gap(c, h, now)),
                       now);
    }
    return bounded(c, h, now + c.policy.initial_delay, now);
}

poll_step next_poll(const poll_context& c, const poll_history& h, const poll_answer& a,
                    poll_clock::time_point now, std::mt19937_64& rng) {
    using action = poll_step::action;
    const poll_policy& p = c.policy;
    if (!a.ec && a.state == task_state::completed)
        return {action::finish, now, {}, {}};
    if (!a.ec && a.state == task_state::failed)
        return {action::finish, now, errc::task_failed, {}};
    // The client already retried what could be retried: a transient error
    // costs only this poll; anything else ends the wait.
    if (a.ec && !is_transient(a.ec))
        return {action::finish, now, a.ec, {}};
    if (p.max_polls && h.polls >= p.max_polls)
        return {action::finish, now, errc::polling_exhausted, {}};
    if (p.max_duration.count() > 0 && now >= h.started + p.max_duration)
        return {action::finish, now, errc::polling_exhausted, {}};
    if (c.deadline && now >= *c.deadline)
        return {action::finish, now, errc::deadline_exceeded, {}};

    poll_clock::time_point at;
    if (p.mode == poll_mode::adaptive) {
        if (auto when = planned(c, h, now))
            at = *when;
        else
            at = now + unplanned_gap(c, h, now);
    } else {
        at = now + p.delays.delay(h.polls - 1u, h.previous_delay, rng);
    }
    if (p.honour_retry_after && a.retry_after) {
        // A refusal (429, 503) whose hint is past max_retry_after, or past the
        // deadline, is not slept: the wait ends at once (the hint stays in the
        // diagnostics). On a plain answer (200 RUNNING) the hint is advice
        // only, capped at max_retry_after; the deadline bounds it as any poll.
        milliseconds hint = *a.retry_after;
        if (a.ec && (hint > c.max_retry_after || (c.deadline && hint > *c.deadline - now)))
            return {action::finish, now, errc::rate_limited, {}};
        hint = std::min(hint, c.max_retry_after);
        at = std::max(at, now + hint);
    }
    return bounded(c, h, at, now);
}

} // namespace oneai::detail
