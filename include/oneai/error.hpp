#pragma once
/// @file
/// The library's error codes (oneai::errc), their category, and how to tell a
/// transient error from a final one. See docs/errors-and-diagnostics.md for
/// what each means and what to do.

#include <boost/system/error_code.hpp>
#include <oneai/config.hpp>

#include <string>

namespace oneai {

/// The error code every operation completes with: Asio's. Errors of the
/// library are in oneai_category(); transport errors keep their own (Asio,
/// Beast, SSL).
using error_code = boost::system::error_code;

/// The library's own errors. An error_code compares equal to them
/// (`ec == oneai::errc::task_failed`); diagnostics carries the details.
enum class errc {
    success = 0,        ///< no error
    task_failed = 1,    ///< the task ended FAILED on the server (see diagnostics)
    polling_exhausted,  ///< the poll policy's max polls or max duration ran out; the task may
                        ///< still finish
    deadline_exceeded,  ///< the operation's deadline passed; the task may still finish
    rate_limited,       ///< 429 (or 503) persisted, or Retry-After exceeds the time left
    server_unavailable, ///< 503 persisted
    server_error,       ///< 5xx persisted
    bad_response,       ///< the server's answer was not what the API promises (bad JSON, shape)
    unknown_submission_outcome, ///< a submit may have reached the server but its answer was lost
    unauthorized,               ///< 401: missing or unknown API key
    forbidden,                  ///< 403: quota, expired key, skill not allowed
    invalid_request,            ///< other 4xx: the request itself is wrong (see diagnostics)
    task_not_found,             ///< 404 on a task id: never existed or expired
    response_too_large,         ///< the response exceeded options::max_response_size
    missing_api_key,            ///< no key in options nor ONEAI_API_KEY
    invalid_argument,           ///< a bad base URL, an unreadable file, ...
    client_shutdown,            ///< client::shutdown() ended the operation
    output_failed, ///< a batch's sink could not take an outcome (a full disk, a closed pipe)
    internal,      ///< the library itself failed (an exception inside it: a bug, or memory)
};

/// The category of errc values; its name is "oneai", its messages short
/// English sentences. One object for the process.
ONEAI_API const boost::system::error_category& oneai_category() noexcept;

/// Makes `errc` values convert to error_code (found by argument-dependent lookup).
inline error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), oneai_category()};
}

/// A stable name for logs and output files: "task_failed", "rate_limited", ...
/// for the oneai category, "category:value" otherwise.
ONEAI_API std::string error_name(const error_code& ec);

/// True for errors after which the same call may succeed later: rate limiting,
/// overload, deadlines, and the transport failures a retry can mend (refused,
/// reset or closed connections, timeouts, unreachable networks, a DNS server
/// asking to try again). False for everything else, among them TLS
/// handshake and certificate failures, a host name that does not exist,
/// malformed HTTP, and the library's own errors: no policy retries those.
ONEAI_API bool is_transient(const error_code& ec) noexcept;

} // namespace oneai

/// @cond INTERNAL
template <>
struct boost::system::is_error_code_enum<oneai::errc> : std::true_type {};
/// @endcond
