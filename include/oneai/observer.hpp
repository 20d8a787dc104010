#pragma once
// Hooks for logging, metrics and tracing. Each is a std::function that is
// checked before use, so an unset hook costs one branch. Hooks run on the
// client's executor, inside the operation: keep them short.

#include <oneai/error.hpp>
#include <oneai/task_status.hpp>

#include <chrono>
#include <functional>
#include <string_view>

namespace oneai {

struct request_event {
    std::string_view method;
    std::string_view target; // path and query; never contains the API key
    unsigned attempt = 1;
};

struct response_event {
    std::string_view method;
    std::string_view target;
    unsigned attempt = 1;
    unsigned http_status = 0; // 0: no response (see ec)
    error_code ec;
    std::chrono::microseconds latency{0};
};

struct retry_event {
    std::string_view method;
    std::string_view target;
    unsigned next_attempt = 2;
    std::chrono::milliseconds delay{0};
    unsigned http_status = 0;
    error_code reason;
};

struct poll_event {
    std::string_view task_id;
    unsigned poll = 1;
    task_state state = task_state::unknown;
};

struct completion_event {
    std::string_view task_id;
    task_state state = task_state::unknown;
    error_code ec;
    std::chrono::milliseconds elapsed{0};
};

struct observer {
    std::function<void(const request_event&)> on_request{};
    std::function<void(const response_event&)> on_response{};
    std::function<void(const retry_event&)> on_retry{};
    std::function<void(const poll_event&)> on_poll{};
    std::function<void(const completion_event&)> on_completion{};
};

} // namespace oneai
