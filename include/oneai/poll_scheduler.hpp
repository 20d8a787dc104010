#pragma once

#include <oneai/client.hpp>
#include <oneai/config.hpp>
#include <oneai/detail/task_shape.hpp>
#include <oneai/poll_policy.hpp>
#include <oneai/rate_limiter.hpp>
#include <oneai/task_status.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

namespace oneai {

/// How a poll_scheduler works.
struct scheduler_options {
    /// Status requests under way at once; further due polls wait their turn.
    std::size_t max_concurrent_polls = 64;
    /// Shared request rate limit (submits and polls); null = unlimited.
    std::shared_ptr<rate_limiter> rate{};
    /// false: a COMPLETED task's result carries its JSON text (`raw_json()`,
    /// `raw()`) and its stats, not the typed outputs. For callers that pass
    /// results on rather than read them; it saves the typed decode.
    bool typed_results = true;
};

/// What a poll_scheduler has done so far (poll_scheduler::stats()).
struct scheduler_stats {
    std::size_t in_flight = 0;  ///< tasks being polled now
    std::uint64_t polls = 0;    ///< status requests sent
    std::uint64_t finished = 0; ///< tasks whose completion was delivered
    /// How late polls went out compared with their schedule: the median.
    std::chrono::microseconds lag_p50{0};
    std::chrono::microseconds lag_p99{0}; ///< the 99th percentile of that lag
    std::chrono::microseconds lag_max{0}; ///< the largest lag
    /// 429 answers to status requests.
    std::uint64_t rate_limited = 0;
    std::uint64_t retries = 0; ///< status requests retried by the client
};

/// Polls many tasks with few resources: each task in flight is a ~50-byte
/// record in a timer heap behind one steady_timer, not a coroutine, socket or
/// thread.
///
/// A status request borrows a client operation only while it runs, and at most
/// `max_concurrent_polls` run at once. Each task follows its poll policy and
/// deadline; results arrive through one callback, tagged.
///
/// Thread safety: use from the client's executor only, `c.get_executor()`,
/// which for a thread_safe client is its strand (start it there with
/// `asio::dispatch` or `co_spawn`). Its own state is not synchronised: it lives
/// in that strand beside the client's, and its calls into the client then
/// enter the strand without a hop. The client must outlive the scheduler.
class ONEAI_API poll_scheduler {
  public:
    /// How one task's polling ended.
    struct completion {
        std::uint64_t tag = 0; ///< the tag given to add()
        /// task_failed, polling_exhausted, deadline_exceeded, a transport error...;
        /// success when the task COMPLETED.
        error_code ec;
        task_status status; ///< the last status seen (COMPLETED: with the result)
        unsigned polls = 0; ///< status requests made for this task
    };
    /// Receives each completion, on the client's executor.
    using completion_handler = std::function<void(completion&&)>;

    /// A scheduler polling through client `c` (it holds the client's state,
    /// so the client object may move); `on_done` is called once for each task
    /// added, unless stop() drops it. When the client shuts down, the tasks
    /// waiting for a poll complete at once with errc::client_shutdown, and
    /// those with a poll under way as it ends.
    poll_scheduler(client_base& c, scheduler_options opts, completion_handler on_done);
    /// Stops, as stop() does: no completion is delivered after it.
    ~poll_scheduler();
    poll_scheduler(const poll_scheduler&) = delete;            ///< Not copyable.
    poll_scheduler& operator=(const poll_scheduler&) = delete; ///< Not copyable.

    /// Starts polling `t` (a UUID task id) after the policy's initial delay.
    void add(const task& t, std::uint64_t tag, const poll_policy& policy,
             std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);
    /// With the task's shape (its pipeline and size), for adaptive polling.
    void add(const task& t, std::uint64_t tag, const poll_policy& policy,
             std::optional<std::chrono::steady_clock::time_point> deadline,
             detail::task_shape shape);
    /// Stops: polls under way are cancelled, tasks are dropped (they stay valid
    /// on the server). No completion is delivered for dropped tasks.
    void stop();

    /// Tasks added and not yet completed or dropped.
    std::size_t in_flight() const noexcept;
    /// Counts and poll lag so far.
    scheduler_stats stats() const;

  private:
    friend struct detail::client_access;
    // On the client's state rather than the object (the library's own
    // components, which keep working when the client object moves).
    poll_scheduler(std::shared_ptr<client_base::impl> state, scheduler_options opts,
                   completion_handler on_done);

    struct ONEAI_LOCAL impl;
    std::shared_ptr<impl> impl_;
};

} // namespace oneai
