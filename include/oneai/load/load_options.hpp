#pragma once

#include <oneai/config.hpp>
#include <oneai/input.hpp>
#include <oneai/pipeline.hpp>
#include <oneai/poll_policy.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace oneai::load {

class load_report;
struct task_sample;

/// Open loop: when tasks are meant to start. `constant` spaces them evenly;
/// `poisson` draws exponential gaps (from the seed), as independent users do.
enum class arrival_process {
    constant, ///< evenly spaced
    poisson   ///< exponential gaps, drawn from the seed
};

/// async: submit, then poll (through a poll_scheduler); sync: the sync endpoint.
enum class run_mode {
    async, ///< submit, then poll
    sync   ///< one request to the sync endpoint
};

/// On cancellation the generator always stops starting tasks; then it either
/// waits for the tasks in flight (`finish`) or drops them (`abandon`: submits
/// and polls under way are cancelled, the tasks stay on the service, unrecorded).
/// A second cancellation always abandons.
enum class cancel_behaviour {
    finish, ///< wait for the tasks in flight
    abandon ///< cancel what is under way; the tasks stay on the service, unrecorded
};

/// What a load run does: how tasks arrive (open loop at a rate, or closed loop
/// at a concurrency), for how long, with which inputs and pipeline, and how
/// tasks are followed to their end (async submit-then-poll, or the sync call).
/// check() says what is inconsistent.
struct ONEAI_API load_options {
    std::string label; ///< free text kept in the report (the command line, the host)

    // --- load: exactly one of rate (open loop) or concurrency (closed loop)

    double rate = 0; ///< open loop: tasks started per second
    /// Open loop: how start times are spaced.
    arrival_process arrivals = arrival_process::constant;
    std::size_t concurrency = 0; ///< closed loop: tasks kept in flight
    /// Open loop: the most tasks in flight. When it is reached, arrivals wait
    /// (their latency still counts from their intended start) and the report
    /// says how far behind schedule the run fell.
    std::size_t max_in_flight = 100000;

    // --- length of the measured phase: a duration, or a number of tasks (or both:
    // whichever ends first). The warm-up runs first, with the same load, and is
    // kept out of every statistic.
    /// The measured phase's length; 0 = bounded by `requests` only.
    std::chrono::microseconds duration{0};
    /// Tasks started in the measured phase; 0 = bounded by `duration` only.
    std::uint64_t requests = 0;
    /// A phase before the measured one, with the same load, left out of the report.
    std::chrono::microseconds warmup{0};

    // --- what each task runs

    /// The skills every task runs.
    oneai::pipeline pipeline;
    /// Inputs, the first that is set: `inputs` (cycled in order), generated
    /// text (`words_min`..`words_max` words, the size drawn log-uniformly per
    /// task; equal bounds for a fixed size), else `text`.
    std::vector<input> inputs;
    std::size_t words_min = 0; ///< generated text: the fewest words
    std::size_t words_max = 0; ///< generated text: the most words; 0 = no generated text
    std::string text;          ///< the one text every task sends, when nothing else is set

    /// Submit-then-poll, or the sync endpoint.
    run_mode mode = run_mode::async;
    /// Async mode: how tasks are polled; unset = the client's poll policy.
    std::optional<poll_policy> polling;
    /// Async mode: status requests under way at once, and never more than
    /// the half of the client's connections the submits leave (submits use
    /// the other half, sync calls all of them), so no request waits for a
    /// connection inside the client: a task due while its calls are all
    /// busy waits in the generator, timed from its intended start.
    std::size_t max_concurrent_polls = 256;
    /// Poisson gaps and generated text are drawn from this.
    std::uint64_t seed = 1;
    /// What a cancellation does to the tasks in flight.
    cancel_behaviour on_cancel = cancel_behaviour::finish;

    // --- observation
    /// How often in-flight tasks are sampled into the report and `on_progress` runs.
    std::chrono::milliseconds sample_every{1000};
    /// Called on the client's executor each `sample_every` with the report so
    /// far (measured phase) and the tasks in flight; keep it short.
    std::function<void(const load_report& so_far, std::size_t in_flight)> on_progress{};
    /// Called for every measured task, with how late it actually started
    /// compared with its intended start (open loop; 0 in closed loop). From
    /// both, a caller can rebuild what a naive tool would have measured.
    std::function<void(const task_sample&, std::chrono::microseconds start_lag)> on_task{};

    /// Throws std::invalid_argument naming what is wrong.
    void check() const;
};

} // namespace oneai::load
