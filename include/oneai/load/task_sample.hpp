#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace oneai::load {

/// How a measured task ended.
enum class task_outcome {
    completed, ///< the task ended COMPLETED
    failed,    ///< the task ended FAILED on the service
    error      ///< a transport, HTTP or deadline error left the task without a result
};

/// What the load generator measured about one task, recorded into a load_report.
struct task_sample {
    /// From the start of the measured phase: in open loop the schedule's time
    /// for this task, in closed loop its actual start.
    std::chrono::microseconds intended_start{0};
    /// From the intended start to the poll that saw the task finished (or to the error).
    std::chrono::microseconds end_to_end{0};
    std::optional<std::chrono::microseconds> submit; ///< the submit round trip
    std::optional<std::chrono::microseconds> queue;  ///< the service's queue wait
    std::optional<std::chrono::microseconds> run;    ///< the service's run time
    std::optional<std::chrono::microseconds>
        detection;                                  ///< service completion -> the poll that saw it
    unsigned polls = 0;                             ///< status requests made for the task
    task_outcome outcome = task_outcome::completed; ///< how the task ended
    int http_status = 0;                            ///< the last HTTP status of an error, 0 if none
    std::string api_error; ///< One AI error code or errc name; empty when completed
    /// 429s this task's submit (or sync call) met; those met by polls count
    /// for the run only (load_report::rate_limited).
    unsigned rate_limited = 0;
};

} // namespace oneai::load
