#pragma once

#include <oneai/error.hpp>
#include <oneai/task_status.hpp>

#include <chrono>
#include <functional>
#include <string_view>

namespace oneai {

/// An HTTP attempt is about to be sent. The views are valid during the hook only.
struct request_event {
    std::string_view method; ///< "GET" or "POST"
    std::string_view target; ///< path and query; never contains the API key
    unsigned attempt = 1;    ///< 1 for the first attempt, 2 for the first retry, ...
};

/// An HTTP attempt ended, with an answer or a transport error. The views are
/// valid during the hook only.
struct response_event {
    std::string_view method;              ///< "GET" or "POST"
    std::string_view target;              ///< path and query; never contains the API key
    unsigned attempt = 1;                 ///< 1 for the first attempt, 2 for the first retry, ...
    unsigned http_status = 0;             ///< 0: no response (see ec)
    error_code ec;                        ///< the transport error when there was no response
    std::chrono::microseconds latency{0}; ///< from sending to the whole answer (or the error)
};

/// A failed attempt will be retried after `delay`. The views are valid during
/// the hook only.
struct retry_event {
    std::string_view method;            ///< "GET" or "POST"
    std::string_view target;            ///< path and query; never contains the API key
    unsigned next_attempt = 2;          ///< the number of the attempt to come
    std::chrono::milliseconds delay{0}; ///< the wait before it (backoff or Retry-After)
    unsigned http_status = 0;           ///< the failed attempt's status; 0 without an answer
    error_code reason;                  ///< the failed attempt's transport error, if any
};

/// A status request answered while waiting on a task. The view is valid during
/// the hook only.
struct poll_event {
    std::string_view task_id;               ///< the task polled
    unsigned poll = 1;                      ///< 1 for the first status request of this wait
    task_state state = task_state::unknown; ///< the state the answer reported
};

/// A wait on a task ended: the task finished, or the wait gave up. The view is
/// valid during the hook only.
struct completion_event {
    std::string_view task_id;               ///< the task waited on
    task_state state = task_state::unknown; ///< the last state seen
    error_code ec;                          ///< the wait's error; success when it COMPLETED
    std::chrono::milliseconds elapsed{0};   ///< from the start of the wait
};

/// Hooks for logging, metrics and tracing, set with client::set_observer().
///
/// Each is a std::function that is checked before use, so an unset hook costs
/// one branch. Hooks run on the client's executor, inside the operation: keep
/// them short, do not block, and do not throw. They see neither the API key nor
/// request bodies.
struct observer {
    std::function<void(const request_event&)> on_request{};       ///< before each HTTP attempt
    std::function<void(const response_event&)> on_response{};     ///< after each HTTP attempt
    std::function<void(const retry_event&)> on_retry{};           ///< before waiting to retry
    std::function<void(const poll_event&)> on_poll{};             ///< after each status answer
    std::function<void(const completion_event&)> on_completion{}; ///< when a wait ends
};

} // namespace oneai
