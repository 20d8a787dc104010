#pragma once

#include <oneai/pipeline.hpp>
#include <oneai/poll_policy.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace oneai {

/// What a batch does with a journal that already holds records.
enum class journal_mode {
    resume,    ///< continue the batch it records (refused if it records another pipeline)
    overwrite, ///< empty it and start over
    fresh,     ///< refuse a non-empty journal (std::runtime_error from the engine)
};

/// How a batch runs: the pipeline every item goes through, limits, polling,
/// ordering and the journal. A plain aggregate; every field has a default.
struct batch_options {
    /// The skills run on every item.
    oneai::pipeline pipeline{};
    /// Most tasks in flight (submitted, not finished). The in-flight limit opens
    /// here and backs off when the service answers 429.
    std::size_t concurrency = 64;
    /// Requests (submits and polls) per second, 0 = unlimited.
    double rate = 0;
    /// Status requests at once.
    std::size_t max_concurrent_polls = 64;
    /// false: a completed outcome's result carries its JSON text (`raw_json()`,
    /// `raw()`) and its stats, not the typed outputs. For sinks that pass
    /// results on, as `oneai batch` does; it saves the typed decode.
    bool typed_results = true;
    /// When each task's status is asked.
    poll_policy polling{};
    /// Bounds each item from its submit to its outcome; past it the item ends
    /// as an error that a resume retries (the task keeps its id).
    std::chrono::milliseconds task_timeout{std::chrono::hours{1}};
    /// Emit outcomes in input order (still running out of order), holding at
    /// most `reorder_window` finished outcomes back.
    bool ordered = false;
    /// With `ordered`: the most finished outcomes held back waiting for an
    /// earlier one; when it is full, submits pause until the gap fills.
    std::size_t reorder_window = 10000;
    /// Append-only journal of intents, task ids and outcomes ("" = none). It is
    /// locked for the whole run: a second process on it is refused.
    std::string journal_path{};
    /// What to do with a journal that already holds records.
    journal_mode journal = journal_mode::fresh;
    /// Resubmit items whose earlier submit may or may not have reached the service.
    bool resubmit_unknown = false;
    /// Stop submitting at the first failed item.
    bool fail_fast = false;
    /// Total number of items, when known, for the ETA.
    std::optional<std::uint64_t> expected_total{};
    /// Survive power loss: intents are fdatasync'ed before their submits are
    /// sent (one sync per event-loop turn), and `flush_sink(true)` runs before
    /// the journal records the outcomes as written.
    bool fsync = false;
    /// For a sink that buffers what it is given (one write per event-loop turn
    /// rather than one per outcome): called once per turn in which outcomes
    /// were delivered, and at the end of the run, before the journal records
    /// them as finished. It writes what the sink holds, and makes it durable
    /// when its argument (`fsync`) is true. When it throws, the run ends with
    /// `output_failed` and the journal leaves those items unfinished, so a
    /// resume redoes them. Not needed by a sink that writes each outcome itself.
    std::function<void(bool durable)> flush_sink{};
    /// Stopping now waits this long for submits whose bytes are on the wire,
    /// so their task ids are recorded rather than lost.
    std::chrono::milliseconds stop_grace{std::chrono::seconds{2}};
};

} // namespace oneai
