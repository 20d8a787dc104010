#pragma once
// A client's adaptive polling: the service-time model it learns, and the poll
// plans it derives, cached (a plan takes a few milliseconds to compute; tasks
// of one shape share it). Bounded: 16 pipelines, 256 plans.

#include "poll_plan.hpp"
#include "service_time_model.hpp"

#include <oneai/poll_policy.hpp>
#include <oneai/task_status.hpp>

#include <list>
#include <tuple>
#include <unordered_map>

namespace oneai::detail {

class poll_planner {
  public:
    /// The plan for a task of this shape, or null: a schedule policy, or
    /// nothing known yet. Valid until the next call.
    const poll_plan* plan(const poll_policy& p, task_shape shape);
    /// Learns from a finished task, from the service's own times.
    void learn(task_shape shape, const task_status& s);

    const service_time_model& model() const noexcept { return model_; }

  private:
    using key = std::tuple<long, long, long, long, long>;
    struct key_hash {
        std::size_t operator()(const key& k) const noexcept;
    };
    static constexpr std::size_t max_plans = 256;

    service_time_model model_;
    std::list<std::pair<key, poll_plan>> plans_; // most recently used first
    std::unordered_map<key, std::list<std::pair<key, poll_plan>>::iterator, key_hash> index_;
};

} // namespace oneai::detail
