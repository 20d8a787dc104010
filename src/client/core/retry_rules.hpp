#pragma once
// Whether and when to try a failed request again: the retry policy applied to
// one attempt's outcome. Pure: no clock, no I/O, a caller-provided RNG.

#include <oneai/error.hpp>
#include <oneai/retry_policy.hpp>

#include <chrono>
#include <optional>
#include <random>

namespace oneai::detail {

struct attempt_outcome {
    error_code transport;      // set when no HTTP response arrived
    bool request_sent = false; // the request bytes were written (fully or partly)
    unsigned http_status = 0;
    std::optional<std::chrono::milliseconds> retry_after;
};

struct retry_decision {
    enum class action { succeed, retry, fail } what = action::fail;
    std::chrono::milliseconds delay{0};
    error_code error; // with action::fail
};

/// `repeatable`: the request may be sent twice without harm (status GETs, sync
/// runs). A submit is not: once sent, it is retried only with
/// policy.resubmit_when_unsure. `attempt` is the 1-based attempt that just
/// ended; `time_left` the operation's remaining deadline, if any.
retry_decision decide_retry(const retry_policy& policy, bool repeatable, unsigned attempt,
                            const attempt_outcome& outcome,
                            std::chrono::milliseconds previous_delay,
                            std::optional<std::chrono::milliseconds> time_left,
                            std::mt19937_64& rng);

/// The error code for a final HTTP status (0 = none).
error_code error_for_status(unsigned http_status, bool task_request);

} // namespace oneai::detail
