#pragma once
// One answer of GET /async/tasks/{id}.

#include <oneai/config.hpp>
#include <oneai/result.hpp>
#include <oneai/task.hpp>
#include <oneai/task_failure.hpp>

#include <optional>
#include <string>

namespace oneai {

enum class task_state { queued, running, completed, failed, unknown };

ONEAI_API const char* to_string(task_state s) noexcept;

struct task_status {
    oneai::task task;
    task_state state = task_state::unknown; // unknown states count as still pending
    std::string status_text;                // as the server wrote it
    std::string creation_time;
    std::string completion_time;
    std::optional<oneai::result> result; // COMPLETED
    /// FAILED: the server's error (set for every FAILED answer, its fields
    /// empty when the server gave none); absent in any other state.
    std::optional<task_failure> failure;

    bool finished() const noexcept {
        return state == task_state::completed || state == task_state::failed;
    }
};

} // namespace oneai
