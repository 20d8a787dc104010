#pragma once

#include <chrono>
#include <oneai/config.hpp>
#include <optional>
#include <string>

namespace oneai {

/// What went wrong, beyond the error code: the server's words and the client's
/// own account (attempts, polls, the last Retry-After).
///
/// An operation given a diagnostics object (the `diagnostics&` overloads, or
/// with_diagnostics) fills it as it goes, also on success; the object must
/// outlive the operation, and is written on the client's executor only.
struct ONEAI_API diagnostics {
    unsigned http_status = 0;  ///< 0 when no HTTP answer was received
    int api_code = 0;          ///< One AI status_code, e.g. 40008, 60009
    std::string message{};     ///< the server's message, or the client's own
    std::string details{};     ///< the server's details, when it sent any
    std::string request_id{};  ///< x-oneai-request-id or the error body's request_id
    std::string task_id{};     ///< set whenever a task is known, so a wait can be resumed
    unsigned attempts = 0;     ///< HTTP attempts of the last request
    unsigned polls = 0;        ///< status requests made while waiting
    unsigned rate_limited = 0; ///< 429 answers received by this operation, retried ones included
    std::optional<std::chrono::milliseconds> retry_after{}; ///< the last server hint
    bool request_sent = false; ///< the last request's bytes were written

    /// Back to the empty state, for reuse by another operation.
    void clear() { *this = diagnostics{}; }
    /// One line for people: what happened, the server's message and ids,
    /// with control characters written out (`\n`, `\x1b`, ...) so that a
    /// server's text cannot act on the terminal it is printed to.
    std::string to_string() const;
};

} // namespace oneai
