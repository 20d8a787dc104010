#pragma once

#include <string>

namespace oneai {

/// The server's account of a FAILED task: the `error` object of a status
/// answer (or its `result`, where One AI's SDKs read it). The names match the
/// diagnostics fields they are copied into when an operation fails with
/// errc::task_failed.
struct task_failure {
    /// The API's `status_code` (e.g. 40012); 0 when the server gave none.
    int api_code = 0;
    /// The API's `message`, e.g. "Failed to transcribe audio".
    std::string message;
    /// The API's `details`, often empty.
    std::string details;
};

} // namespace oneai
