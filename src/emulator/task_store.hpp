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
#include "pipeline_runner.hpp"
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
#include <vector>

namespace oneai::emulator::detail {

using steady_time = std::chrono::steady_clock::time_point;

enum class task_state : std::uint8_t { queued, running, completed, failed };

const char* to_string(task_state s) noexcept;

/// What the store keeps per API key, for as long as the key has tasks stored.
struct key_usage {
    std::uint32_t active = 0; // queued + running
    std::uint32_t stored = 0; // every task of the key still in the store
};
using key_table = std::unordered_map<std::string, key_usage>;

struct task_record {
    stored_request request;
    std::int64_t created_unix_us = 0;
    steady_time created{};
    steady_time started{};
    steady_time finished{};
    std::uint32_t polls = 0;
    std::uint32_t running_at_start = 0; // reported in the result's stats
    std::uint32_t waiting_at_start = 0;
    // The key that submitted the task. Entries of an unordered_map keep their
    // address until erased, and the entry lives as long as the key has tasks.
    key_table::value_type* key = nullptr;
    std::uint64_t fingerprint = 0; // of input and pipeline, to count duplicate submits
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
    /// `rng` draws the processing times; task failures come from a generator
    /// of their own (seeded from cfg.seed), so that they do not move when
    /// latencies draw more or less.
    task_store(const config& cfg, std::mt19937_64& rng, emulator_stats& stats);

    /// Creates a QUEUED task, or returns nullopt when the store is full() or
    /// `api_key` already has max_concurrent_jobs queued or running.
    std::optional<task_id> submit(stored_request request, const std::string& api_key, bool sync,
                                  steady_time now, std::int64_t unix_now_us);
    /// max_stored_tasks are stored: submits are refused until some expire.
    bool full() const noexcept { return tasks_.size() >= cfg_.max_stored_tasks; }

    /// Looks a task up and counts the poll (and, the first time a finished task
    /// is seen, how long after its finish that was). With `requester`, a task
    /// submitted with another key is not found.
    const task_record* poll(const task_id& id, steady_time now,
                            const std::string* requester = nullptr);
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
    /// Runs the pipelines; any exception it throws fails the task, never the server.
    pipeline_function runner = &run_pipeline;

    /// A fresh id for a task or a request, from the CSPRNG or from the seed.
    task_id new_id() { return ids_.next(); }

    std::size_t queued() const noexcept { return waiting_.size(); }
    std::size_t running() const noexcept { return running_; }
    std::size_t stored() const noexcept { return tasks_.size(); }
    /// API keys with tasks in the store; the others are forgotten.
    std::size_t keys_tracked() const noexcept { return keys_.size(); }
    /// Distinct inputs among the stored tasks.
    std::size_t fingerprints_tracked() const noexcept { return fingerprints_.size(); }

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
    /// Forgets a task and, with its last task, its key's entry.
    void remove(std::unordered_map<task_id, task_record, task_id_hash>::iterator it);
    enum class failure_cause : std::uint8_t { none, injected, processing };
    failure_cause decide_failure(const task_record& task);

    const config& cfg_;
    std::mt19937_64& rng_;
    std::mt19937_64 failure_rng_;
    emulator_stats& stats_;
    task_id_source ids_;
    std::unordered_map<task_id, task_record, task_id_hash> tasks_;
    std::deque<task_id> waiting_;
    std::priority_queue<timer_event, std::vector<timer_event>, std::greater<>> timers_;
    std::size_t running_ = 0;
    key_table keys_;
    // Stored tasks per input fingerprint: bounded by the store, unlike a set of
    // every input ever seen.
    std::unordered_map<std::uint64_t, std::uint32_t> fingerprints_;
};

} // namespace oneai::emulator::detail
