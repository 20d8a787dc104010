#include "retry_rules.hpp"

#include <boost/asio/error.hpp>

#include <algorithm>

namespace oneai::detail {

using std::chrono::milliseconds;

error_code error_for_status(unsigned status, bool task_request) {
    if (status >= 200 && status < 300)
        return {};
    switch (status) {
    case 401:
        return errc::unauthorized;
    case 403:
        return errc::forbidden;
    case 404:
        return task_request ? errc::task_not_found : errc::invalid_request;
    case 429:
        return errc::rate_limited;
    case 503:
        return errc::server_unavailable;
    default:
        break;
    }
    if (status >= 500)
        return errc::server_error;
    if (status >= 400)
        return errc::invalid_request;
    return errc::bad_response; // 1xx/3xx: not something the API answers
}

retry_decision decide_retry(const retry_policy& policy, bool repeatable, unsigned attempt,
                            const attempt_outcome& outcome, milliseconds previous_delay,
                            std::optional<milliseconds> time_left, std::mt19937_64& rng) {
    using action = retry_decision::action;
    const unsigned status = outcome.http_status;
    if (!outcome.transport && status >= 200 && status < 300)
        return {action::succeed, {}, {}};

    error_code final_error;
    bool retryable = false;
    bool honour_hint = false;
    if (outcome.transport) {
        if (outcome.request_sent && !repeatable && !policy.resubmit_when_unsure)
            return {action::fail, {}, errc::unknown_submission_outcome};
        if (!is_transient(outcome.transport)) // a certificate, an unknown host: never mended
            return {action::fail, {}, outcome.transport};
        retryable = true; // nothing reached the server, or sending it again is safe
        final_error = outcome.transport;
    } else if (status == 429) {
        retryable = policy.retry_rate_limited;
        honour_hint = true;
        final_error = errc::rate_limited;
    } else if (status == 503) {
        retryable = policy.retry_unavailable;
        honour_hint = true;
        final_error = errc::server_unavailable;
    } else if (status == 500 || status == 502 || status == 504 || status == 408) {
        // The server may have acted on the request: only repeatable ones go again.
        retryable = policy.retry_server_errors && (repeatable || policy.resubmit_when_unsure);
        final_error =
            status == 408 ? error_code(errc::server_error) : error_for_status(status, false);
    } else {
        return {action::fail, {}, error_for_status(status, false)};
    }
    if (!retryable || attempt >= policy.max_attempts)
        return {action::fail, {}, final_error};

    // A hint longer than max_retry_after is not slept: the request fails at
    // once, the hint left in the diagnostics for the caller.
    const error_code hint_error = status == 429 ? error_code(errc::rate_limited) : final_error;
    if (honour_hint && outcome.retry_after && *outcome.retry_after > policy.max_retry_after)
        return {action::fail, {}, hint_error};
    milliseconds delay = policy.delays.delay(attempt - 1, previous_delay, rng);
    if (honour_hint && outcome.retry_after)
        delay = std::max(delay, *outcome.retry_after);
    if (time_left && delay >= *time_left) // the wait outlasts the deadline: fail fast
        return {action::fail,
                {},
                honour_hint && outcome.retry_after ? hint_error
                                                   : error_code(errc::deadline_exceeded)};
    // The budget bounds retries of failures (5xx, transport); a 429 is the
    // service asking to come back later, not a failure, and spends none.
    if (policy.budget && status != 429 && !policy.budget->try_spend())
        return {action::fail, {}, final_error};
    return {action::retry, delay, {}};
}

} // namespace oneai::detail
