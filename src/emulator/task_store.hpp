#pragma once
// Every task the emulator knows, and the life it goes through: QUEUED until a
// worker slot is free, RUNNING for a drawn processing time, then COMPLETED or
// FAILED, and forgotten `ttl` after that.
//
// Sans-I/O: the store never reads a clock or arms a timer. The server passes
// `now` in, asks next_deadline() and calls advance() when it is due, so tests
// drive a million tasks through their lives with a manual clock.
//
// Memory: a task keeps its input and its request fields as compact JSON (about
// 200 bytes plus the input); results are recomputed from them when asked for,
// since the skills are deterministic.

#include "emulator_stats.hpp"
#include "pipeline_request.hpp"
#include "task_id.hpp"

#include <oneai/emulator/config.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace oneai::emulator::detail {

using steady_time = std::chrono::steady_clock::time_point;

enum class task_state : std::uint8_t { queued, running, completed, failed };

const char* to_string(task_state s) noexcept;

struct task_record {
    stored_request request;
    std::int64_t created_unix_us = 0;
    steady_time created{};
    steady_time started{};
    steady_time finished{};
    std::uint32_t polls = 0;
    std::uint32_t running_at_start = 0; // reported in the result's stats
    std::uint32_t waiting_at_start = 0;
    std::uint32_t key_slot = 0;
    task_state state = task_state::queued;
    bool sync = false; // a synchronous run: answered on its connection, never polled
    bool injected_failure = false;
    bool finish_seen = false; // a poll has reported the final state

    bool finished_state() const noexcept {
        return state == task_state::completed || state == task_state::failed;
    }
    /// The finish time as microseconds since the epoch.
    std::int64_t finished_unix_us() const noexcept;
};

class task_store {
  public:
    task_store(const config& cfg, std::mt19937_64& rng, emulator_stats& stats);

    /// Creates a QUEUED task, or returns nullopt when `api_key` already has
    /// max_concurrent_jobs queued or running.
    std::optional<task_id> submit(stored_request request, const std::string& api_key, bool sync,
                                  steady_time now, std::int64_t unix_now_us);

    /// Looks a task up and counts the poll (and, the first time a finished task
    /// is seen, how long after its finish that was).
    const task_record* poll(const task_id& id, steady_time now);
    const task_record* find(const task_id& id) const;
    /// Forgets a task at once (a sync run that has been answered).
    void erase(const task_id& id);

    /// When advance() next has work to do: a running task finishing or a
    /// finished one expiring.
    std::optional<steady_time> next_deadline() const;
    /// Finishes, starts and expires whatever is due at `now`.
    void advance(steady_time now);

    /// Called for each task that reaches COMPLETED or FAILED (sync runs wait on it).
    std::function<void(const task_id&)> on_finished;

    std::size_t queued() const noexcept { return waiting_.size(); }
    std::size_t running() const noexcept { return running_; }
    std::size_t stored() const noexcept { return tasks_.size(); }

  private:
    enum class event_kind : std::uint8_t { finish, expire };
    struct timer_event {
        steady_time due;
        task_id id;
        event_kind kind;
        bool operator>(const timer_event& o) const noexcept { return due > o.due; }
    };

    void start_waiting(steady_time now);
    void finish(task_id id, task_record& task, steady_time now);
    std::uint32_t slot_of(const std::string& api_key);
    enum class failure_cause : std::uint8_t { none, injected, processing };
    failure_cause decide_failure(const task_record& task);

    const config& cfg_;
    std::mt19937_64& rng_;
    emulator_stats& stats_;
    std::unordered_map<task_id, task_record, task_id_hash> tasks_;
    std::deque<task_id> waiting_;
    std::priority_queue<timer_event, std::vector<timer_event>, std::greater<>> timers_;
    std::size_t running_ = 0;
    std::unordered_map<std::string, std::uint32_t> key_slots_;
    std::vector<std::uint32_t> active_per_key_;     // queued + running, by key slot
    std::unordered_set<std::uint64_t> seen_inputs_; // hashes, to count duplicate submits
};

} // namespace oneai::emulator::detail
