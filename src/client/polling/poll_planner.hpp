#pragma once
// A client's adaptive polling: the service-time model it learns, and the poll
// plans it derives, cached (a plan takes a few milliseconds to compute; tasks
// of one shape share it). Bounded: 16 pipelines, 256 plans.

#include "poll_plan.hpp"
#include "poll_rules.hpp"
#include "service_time_model.hpp"

#include <oneai/poll_policy.hpp>
#include <oneai/task_status.hpp>

#include <chrono>
#include <list>
#include <tuple>
#include <unordered_map>

namespace oneai::detail {

class poll_planner {
  public:
    /// The plan for a task of this shape, or null: a schedule policy, or
    /// nothing known yet. Valid until the next call.
    const poll_plan* plan(const poll_policy& p, task_shape shape);
    /// Whether a task of this shape with no plan should poll early, as a
    /// scout: yes unless another task of its pipeline did within `window`.
    /// What a scout learns serves them all, at one early poll, not hundreds.
    bool scout(task_shape shape, std::chrono::steady_clock::time_point now,
               std::chrono::milliseconds window);
    /// Sets `first.scout` for a task's first poll: an adaptive task with no
    /// plan scouts unless another of its pipeline did within twice the target.
    void choose_scout(poll_context& first, task_shape shape,
                      std::chrono::steady_clock::time_point now) {
        if (!first.plan && first.policy.mode == poll_mode::adaptive)
            first.scout = scout(shape, now, 2 * first.policy.target_delay);
    }
    /// The start number of a task starting now (see service_time_model).
    std::uint64_t start() noexcept { return model_.start(); }
    std::uint64_t last_start() const noexcept { return model_.last_start(); }
    /// Learns from a finished task, from the service's own times.
    void learn(task_shape shape, const task_status& s, std::uint64_t start);
    /// A census of the tasks still running, each by its shape, start number
    /// and age so far: what keeps the model unbiased while the long ones run.
    void census_begin() { model_.census_begin(); }
    void census(task_shape shape, std::uint64_t start, std::chrono::milliseconds age) {
        model_.census(shape, start, static_cast<double>(age.count()));
    }
    void census_end() { model_.census_end(); }
    void census_source(int change) { model_.census_source(change); }
    bool census_wanted() const noexcept { return model_.census_wanted(); }

    const service_time_model& model() const noexcept { return model_; }

  private:
    using key = std::tuple<long, long, long, long, long>;
    struct key_hash {
        std::size_t operator()(const key& k) const noexcept;
    };
    static constexpr std::size_t max_plans = 256;

    service_time_model model_;
    // The last scout of each pipeline; bounded (cleared when full).
    std::unordered_map<std::uint64_t, std::chrono::steady_clock::time_point> scouts_;
    std::list<std::pair<key, poll_plan>> plans_; // most recently used first
    std::unordered_map<key, std::list<std::pair<key, poll_plan>>::iterator, key_hash> index_;
};

} // namespace oneai::detail
