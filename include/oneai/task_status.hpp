#pragma once

#include <oneai/config.hpp>
#include <oneai/result.hpp>
#include <oneai/task.hpp>
#include <oneai/task_failure.hpp>

#include <optional>
#include <string>

namespace oneai {

/// Where a task is in its life cycle (docs/tasks-and-polling.md).
enum class task_state {
    queued,    ///< QUEUED: accepted, waiting for a processing slot
    running,   ///< RUNNING: being processed
    completed, ///< COMPLETED: the result is ready (final)
    failed,    ///< FAILED: the service gave up on it (final)
    unknown    ///< a state this library does not know; counts as still pending
};

/// The state as the API writes it: "QUEUED", "RUNNING", "COMPLETED", "FAILED",
/// or "UNKNOWN".
ONEAI_API const char* to_string(task_state s) noexcept;

/// One answer of GET /async/tasks/{id}: the task's state and, once it has
/// finished, its result or its failure.
struct task_status {
    oneai::task task;                       ///< the task asked about
    task_state state = task_state::unknown; ///< unknown states count as still pending
    std::string status_text;                ///< the state as the server wrote it
    /// When the service accepted the task, as it wrote it (naive UTC,
    /// `2026-11-29T23:47:57.459704`); empty when absent.
    std::string creation_time;
    /// When the task finished, as the service wrote it; empty until then.
    std::string completion_time;
    std::optional<oneai::result> result; ///< COMPLETED: the result; absent otherwise
    /// FAILED: the server's error (set for every FAILED answer, its fields
    /// empty when the server gave none); absent in any other state.
    std::optional<task_failure> failure;

    /// True for COMPLETED and FAILED: no later answer will differ.
    bool finished() const noexcept {
        return state == task_state::completed || state == task_state::failed;
    }
};

} // namespace oneai
