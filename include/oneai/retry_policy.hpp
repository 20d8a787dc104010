#pragma once

#include <oneai/backoff.hpp>
#include <oneai/retry_budget.hpp>

#include <chrono>
#include <memory>

namespace oneai {

/// Which failed requests are tried again, how often and how far apart.
///
/// Two questions decide: was the request sent, and may it be repeated? A
/// submit (POST) that may have reached the server is never sent again unless
/// `resubmit_when_unsure` is set; the caller gets
/// errc::unknown_submission_outcome instead. Only transient errors are retried
/// (see is_transient()). A plain value, copied into the client's options.
struct retry_policy {
    /// Attempts per request, the first included. 1 = never retry.
    unsigned max_attempts = 5;
    /// The waits between attempts, unless the server's Retry-After asks for longer.
    backoff delays = backoff::full_jitter(std::chrono::milliseconds{100}, std::chrono::seconds{5});
    /// Retry 429 / 60009 (concurrency limit), honouring Retry-After.
    bool retry_rate_limited = true;
    /// Retry 503 (overload), honouring Retry-After.
    bool retry_unavailable = true;
    /// Retry 500, 502 and 504 for requests that may be repeated (GETs).
    bool retry_server_errors = true;
    /// Opt-in: resend a submit whose answer was lost (the service may then run it twice).
    bool resubmit_when_unsure = false;
    /// A Retry-After longer than this is treated as this long.
    std::chrono::milliseconds max_retry_after{std::chrono::seconds{60}};
    /// Shared across operations when set; null = no budget.
    std::shared_ptr<retry_budget> budget{};
};

} // namespace oneai
