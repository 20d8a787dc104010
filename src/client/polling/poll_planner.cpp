#include "poll_planner.hpp"

#include "client/core/server_time.hpp"

#include <cmath>

namespace oneai::detail {

std::size_t poll_planner::key_hash::operator()(const key& k) const noexcept {
    const auto [a, b, c, d, e] = k;
    std::size_t h = 1469598103934665603ull;
    for (long v : {a, b, c, d, e})
        h = (h ^ static_cast<std::size_t>(v)) * 1099511628211ull;
    return h;
}

const poll_plan* poll_planner::plan(const poll_policy& p, task_shape shape) {
    if (p.mode != poll_mode::adaptive)
        return nullptr;
    const auto estimate = model_.estimate(shape);
    if (!estimate)
        return nullptr;
    // Estimates within 2% share a plan.
    const key k{std::lround(std::log(std::max(estimate->median_ms, 1.0)) * 50),
                std::lround(estimate->sigma * 50), static_cast<long>(p.target_delay.count()),
                static_cast<long>(p.floor.count()), static_cast<long>(p.ceiling.count())};
    if (auto it = index_.find(k); it != index_.end()) {
        plans_.splice(plans_.begin(), plans_, it->second);
        return &plans_.front().second;
    }
    const service_time_estimate rounded{std::exp(static_cast<double>(std::get<0>(k)) / 50),
                                        static_cast<double>(std::get<1>(k)) / 50};
    plans_.emplace_front(k, plan_polls(rounded, p.target_delay, {p.floor, p.ceiling}));
    index_[k] = plans_.begin();
    if (plans_.size() > max_plans) {
        index_.erase(plans_.back().first);
        plans_.pop_back();
    }
    return &plans_.front().second;
}

bool poll_planner::scout(task_shape shape, std::chrono::steady_clock::time_point now,
                         std::chrono::milliseconds window) {
    if (scouts_.size() >= 64)
        scouts_.clear();
    auto [it, first] = scouts_.try_emplace(shape.pipeline, now);
    if (!first && now - it->second < window)
        return false;
    it->second = now;
    return true;
}

void poll_planner::learn(task_shape shape, const task_status& s, std::uint64_t start) {
    if (!s.finished())
        return;
    const double took = server_span_ms(s.creation_time, s.completion_time);
    if (took > 0)
        model_.record(shape, took, start);
}

} // namespace oneai::detail
