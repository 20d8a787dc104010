#pragma once
// What became of one batch item.

#include <oneai/config.hpp>
#include <oneai/diagnostics.hpp>
#include <oneai/error.hpp>
#include <oneai/result.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace oneai {

struct batch_outcome {
    enum class kind {
        completed, // the task COMPLETED: `result` is set
        failed,    // the task FAILED on the server, or the service refused the input
        invalid,   // the input line could not be read
        unknown,   // the submit's answer was lost: the task may exist (see --resubmit-unknown)
        error,     // transport trouble, deadline, polling exhausted
    };
    std::uint64_t index = 0;
    std::string id;
    std::string task_id;
    kind what = kind::error;
    std::optional<oneai::result> result;
    error_code ec;
    diagnostics diag;
    std::string echo_json;
    double submit_ms = 0; // submit latency (0 when resumed from the journal)
    double total_ms = 0;  // from submit to the outcome
    double server_ms = 0; // creation to completion on the server (queue + run), when known
    unsigned polls = 0;
};

ONEAI_API const char* to_string(batch_outcome::kind k) noexcept;

} // namespace oneai
