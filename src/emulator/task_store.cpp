#include "task_store.hpp"

#include "api_failure.hpp"
#include "pipeline_runner.hpp"
#include "random_stream.hpp"

namespace oneai::emulator::detail {

const char* to_string(task_state s) noexcept {
    switch (s) {
    case task_state::queued:
        return "QUEUED";
    case task_state::running:
        return "RUNNING";
    case task_state::completed:
        return "COMPLETED";
    case task_state::failed:
        return "FAILED";
    }
    return "UNKNOWN";
}

std::int64_t task_record::finished_unix_us() const noexcept {
    return created_unix_us +
           std::chrono::duration_cast<std::chrono::microseconds>(finished - created).count();
}

task_store::task_store(const config& cfg, std::mt19937_64& rng, emulator_stats& stats)
    : cfg_(cfg), rng_(rng), failure_rng_(random_generator(cfg.seed, random_stream::task_failures)),
      stats_(stats), ids_(cfg.seeded_ids ? task_id_source(cfg.seed) : task_id_source()) {}

std::optional<task_id> task_store::submit(stored_request request, const std::string& api_key,
                                          bool sync, steady_time now, std::int64_t unix_now_us) {
    if (full())
        return std::nullopt;
    auto known = keys_.find(api_key);
    if (known != keys_.end() && cfg_.max_concurrent_jobs != 0 &&
        known->second.active >= cfg_.max_concurrent_jobs) {
        ++stats_.rejected_concurrency;
        return std::nullopt;
    }
    task_id id = new_id();
    while (tasks_.contains(id)) // never with random ids; cheap insurance with seeded ones
        id = new_id();
    key_table::value_type& key = *keys_.try_emplace(api_key).first;
    ++key.second.active;
    ++key.second.stored;
    const std::uint64_t fingerprint =
        std::hash<std::string>{}(request.input) * 31 + std::hash<std::string>{}(request.fields);
    if (fingerprints_[fingerprint]++ > 0)
        ++stats_.duplicate_submits;
    ++(sync ? stats_.sync_runs : stats_.submits);

    task_record& task = tasks_[id];
    task.request = std::move(request);
    task.created = now;
    task.created_unix_us = unix_now_us;
    task.key = &key;
    task.fingerprint = fingerprint;
    task.sync = sync;
    waiting_.push_back(id);
    start_waiting(now);
    return id;
}

void task_store::start_waiting(steady_time now) {
    while (!waiting_.empty() && (cfg_.workers == 0 || running_ < cfg_.workers)) {
        task_id id = waiting_.front();
        waiting_.pop_front();
        auto it = tasks_.find(id);
        if (it == tasks_.end())
            continue;
        task_record& task = it->second;
        task.state = task_state::running;
        task.started = now;
        task.running_at_start = static_cast<std::uint32_t>(running_ + 1);
        task.waiting_at_start = static_cast<std::uint32_t>(waiting_.size());
        ++running_;
        auto processing = cfg_.latency.draw(rng_, input_word_count(task.request));
        timers_.push({now + processing, id, event_kind::finish});
    }
}

task_store::failure_cause task_store::decide_failure(const task_record& task) {
    if (cfg_.faults.task_failure_rate > 0 &&
        std::bernoulli_distribution(cfg_.faults.task_failure_rate)(failure_rng_)) {
        ++stats_.injected_task_failures;
        return failure_cause::injected;
    }
    // Processing errors (an unreachable URL, audio that cannot be transcribed)
    // show up only when the pipeline runs; results are recomputed on demand.
    // Any exception, not only the API's own errors: this runs on the server's
    // timer, where an escaping exception would end the whole server.
    try {
        runner(load_request(task.request, {.max_csv_rows = cfg_.max_csv_rows}), {});
        return failure_cause::none;
    } catch (...) {
        return failure_cause::processing;
    }
}

void task_store::finish(task_id id, task_record& task, steady_time now) {
    const failure_cause cause = decide_failure(task);
    const bool failed = cause != failure_cause::none;
    task.injected_failure = cause == failure_cause::injected;
    task.state = failed ? task_state::failed : task_state::completed;
    task.finished = now;
    --running_;
    --task.key->second.active;
    ++(failed ? stats_.failed : stats_.completed);
    stats_.polls_of_finished_tasks += task.polls;
    timers_.push({now + std::chrono::duration_cast<std::chrono::microseconds>(cfg_.ttl), id,
                  event_kind::expire});
    if (on_finished)
        on_finished(id);
}

std::optional<steady_time> task_store::next_deadline() const {
    if (timers_.empty())
        return std::nullopt;
    return timers_.top().due;
}

void task_store::advance(steady_time now) {
    while (!timers_.empty() && timers_.top().due <= now) {
        timer_event event = timers_.top();
        timers_.pop();
        auto it = tasks_.find(event.id);
        if (it == tasks_.end())
            continue; // erased (an answered sync run)
        if (event.kind == event_kind::finish && it->second.state == task_state::running) {
            finish(event.id, it->second, event.due);
        } else if (event.kind == event_kind::expire && it->second.finished_state()) {
            remove(it);
            ++stats_.expired;
        }
    }
    start_waiting(now);
}

const task_record* task_store::poll(const task_id& id, steady_time now,
                                    const std::string* requester) {
    auto it = tasks_.find(id);
    if (it == tasks_.end() || it->second.sync)
        return nullptr;
    if (requester && it->second.key->first != *requester)
        return nullptr; // the same answer as an unknown id: nothing leaks
    task_record& task = it->second;
    ++task.polls;
    ++stats_.polls;
    if (task.finished_state()) {
        ++stats_.polls_of_finished_tasks;
        if (!task.finish_seen) {
            task.finish_seen = true;
            auto delay = std::chrono::duration_cast<std::chrono::microseconds>(now - task.finished);
            stats_.detection_delay.record(
                static_cast<std::uint64_t>(std::max<long long>(0, delay.count())));
        }
    }
    return &task;
}

const task_record* task_store::find(const task_id& id) const {
    auto it = tasks_.find(id);
    return it == tasks_.end() ? nullptr : &it->second;
}

void task_store::erase(const task_id& id) {
    auto it = tasks_.find(id);
    if (it == tasks_.end())
        return;
    if (!it->second.finished_state()) {
        --it->second.key->second.active;
        if (it->second.state == task_state::running)
            --running_;
    }
    remove(it);
}

void task_store::remove(std::unordered_map<task_id, task_record, task_id_hash>::iterator it) {
    const task_record& task = it->second;
    if (--task.key->second.stored == 0)
        keys_.erase(keys_.find(task.key->first));
    if (auto f = fingerprints_.find(task.fingerprint); f != fingerprints_.end() && --f->second == 0)
        fingerprints_.erase(f);
    tasks_.erase(it);
}

} // namespace oneai::emulator::detail
