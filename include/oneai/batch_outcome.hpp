#pragma once

#include <oneai/config.hpp>
#include <oneai/diagnostics.hpp>
#include <oneai/error.hpp>
#include <oneai/result.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace oneai {

/// What became of one batch item, as the engine hands it to the sink.
struct batch_outcome {
    /// How the item ended. completed, failed and invalid are final; unknown and
    /// error are journaled as retryable, for a resume.
    enum class kind {
        completed, ///< the task COMPLETED: `result` is set
        failed,    ///< the task FAILED on the server, or the service refused the input
        invalid,   ///< the input line could not be read
        unknown,   ///< the submit's answer was lost: the task may exist (see `resubmit_unknown`)
        error,     ///< transport trouble, deadline, polling exhausted
    };
    std::uint64_t index = 0; ///< the item's batch_item::index
    std::string id;          ///< the item's batch_item::id
    std::string task_id;     ///< the service's task id; empty when no submit was accepted
    kind what = kind::error; ///< how the item ended
    /// The task's result, for kind::completed only.
    std::optional<oneai::result> result;
    error_code ec;         ///< why the item did not complete; success for kind::completed
    diagnostics diag;      ///< the server's message and the client's account, on failure
    std::string echo_json; ///< the item's batch_item::echo_json, passed through
    double submit_ms = 0;  ///< submit latency, in ms (0 when resumed from the journal)
    double total_ms = 0;   ///< from submit to the outcome, in ms
    double server_ms = 0; ///< creation to completion on the server (queue + run), in ms, when known
    unsigned polls = 0;   ///< status requests made for this item
};

/// The kind's name as output files write it: "completed", "failed", "invalid",
/// "unknown" or "error".
ONEAI_API const char* to_string(batch_outcome::kind k) noexcept;

} // namespace oneai
