#pragma once
// The exit status of `oneai`, one per kind of outcome, so scripts can branch.

#include <oneai/error.hpp>

namespace oneai::cli {

enum exit_code : int {
    exit_ok = 0,
    exit_io_error = 1,    // the output could not be written (a full disk, a closed pipe)
    exit_usage = 2,       // bad flags or input files
    exit_task_failed = 3, // the task ended FAILED
    exit_refused = 4,     // the API refused the request (4xx)
    exit_transport = 5,   // transport error, timeout, polling exhausted, 5xx, rate limit
    exit_interrupted = 130,
};

exit_code exit_code_for(const error_code& ec);

} // namespace oneai::cli
