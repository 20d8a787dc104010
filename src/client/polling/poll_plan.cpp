#include "poll_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace oneai::detail {
namespace {

// The distribution's CDF and partial expectation E[T; T <= g], in ms.
struct log_normal {
    double mu, sigma;
    explicit log_normal(service_time_estimate t)
        : mu(std::log(std::max(t.median_ms, 1.0))), sigma(std::max(t.sigma, 0.01)) {}
    static double phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
    double cdf(double g) const { return g <= 0 ? 0.0 : phi((std::log(g) - mu) / sigma); }
    double partial_mean(double g) const {
        return g <= 0 ? 0.0
                      : std::exp(mu + sigma * sigma / 2) *
                            phi((std::log(g) - mu - sigma * sigma) / sigma);
    }
    double quantile_upper() const { return std::exp(mu + 3.3 * sigma); } // 99.95%
};

// Cost pieces between two poll times a < b: the poll at b happens when the
// task was not done by a; its delay covers the completions in (a, b].
struct grid {
    std::vector<double> t, cdf, partial;
    // Fine where the steps are short, 2% of the time where they are long: a
    // few hundred points from 0 to the far tail at any scale.
    grid(const log_normal& d, double floor_ms) {
        const double end = std::min(d.quantile_upper(), 3'600'000.0);
        const double min_step = std::max(5.0, floor_ms / 4);
        for (double g = 0;; g += std::max(min_step, 0.02 * g)) {
            t.push_back(g);
            cdf.push_back(d.cdf(g));
            partial.push_back(d.partial_mean(g));
            if (g > end)
                break;
        }
    }
    double survive(std::size_t i) const { return 1.0 - cdf[i]; }
    double delay(std::size_t a, std::size_t b) const { // E[(t_b - T); t_a < T <= t_b]
        return t[b] * (cdf[b] - cdf[a]) - (partial[b] - partial[a]);
    }
};

poll_plan plan_on(const grid& g, double weight, plan_limits limits) {
    const std::size_t n = g.t.size();
    const double floor_ms = static_cast<double>(limits.floor.count());
    const double ceiling_ms = static_cast<double>(limits.ceiling.count());
    // best[i]: least cost from a poll at t[i] (task not done) to the end.
    // The last grid point counts as the end: past it lies 0.05% of the mass.
    std::vector<double> best(n, 0.0);
    std::vector<std::size_t> next(n, n);
    for (std::size_t i = n - 1; i-- > 0;) {
        double least = std::numeric_limits<double>::infinity();
        for (std::size_t j = i + 1; j < n; ++j) {
            const double gap = g.t[j] - g.t[i];
            if (gap < floor_ms)
                continue;
            if (gap > ceiling_ms)
                break;
            const double cost = g.survive(i) + weight * g.delay(i, j) + best[j];
            if (cost < least) {
                least = cost;
                next[i] = j;
            }
        }
        if (next[i] == n) // only the end is left, nearer than the floor: one last poll past it
            least = g.survive(i) + weight * (g.delay(i, n - 1) + floor_ms * g.survive(i));
        best[i] = least;
    }
    poll_plan plan;
    double polls = 0, delay = 0;
    for (std::size_t i = 0; i < n - 1;) {
        const std::size_t j = next[i];
        polls += g.survive(i);
        if (j == n) { // the last poll, a floor after the last grid point reached
            delay += g.delay(i, n - 1) + floor_ms * g.survive(i);
            plan.at_ms.push_back(static_cast<std::uint32_t>(g.t[i] + floor_ms));
            break;
        }
        delay += g.delay(i, j);
        plan.at_ms.push_back(static_cast<std::uint32_t>(g.t[j]));
        i = j;
    }
    plan.expected_polls = polls;
    plan.expected_delay_ms = delay;
    return plan;
}

} // namespace

poll_plan plan_polls_weighted(service_time_estimate t, double weight, plan_limits limits) {
    const log_normal d(t);
    const grid g(d, static_cast<double>(limits.floor.count()));
    return plan_on(g, weight, limits);
}

poll_plan plan_polls(service_time_estimate t, std::chrono::milliseconds target,
                     plan_limits limits) {
    const log_normal d(t);
    const grid g(d, static_cast<double>(limits.floor.count()));
    // The delay falls as its weight rises: bisect the weight (log scale) for
    // the cheapest plan within the target.
    double low = 1e-7, high = 10.0;
    poll_plan best = plan_on(g, high, limits);
    if (best.expected_delay_ms > static_cast<double>(target.count()))
        return best; // the floor does not allow the target: as close as it gets
    for (int i = 0; i < 40; ++i) {
        const double mid = std::sqrt(low * high);
        poll_plan p = plan_on(g, mid, limits);
        if (p.expected_delay_ms <= static_cast<double>(target.count())) {
            best = std::move(p);
            high = mid;
        } else {
            low = mid;
        }
        if (high / low < 1.02)
            break;
    }
    return best;
}

poll_plan evaluate_schedule(service_time_estimate t, std::vector<std::uint32_t> at_ms,
                            plan_limits limits) {
    const log_normal d(t);
    const double end = d.quantile_upper() * 2;
    double last = at_ms.empty() ? 0.0 : at_ms.back();
    while (last < end && at_ms.size() < 100000) {
        last += static_cast<double>(std::max<long long>(1, limits.ceiling.count()));
        at_ms.push_back(static_cast<std::uint32_t>(last));
    }
    poll_plan plan;
    double previous = 0;
    for (std::uint32_t at : at_ms) {
        const double now = at;
        plan.expected_polls += 1.0 - d.cdf(previous);
        plan.expected_delay_ms +=
            now * (d.cdf(now) - d.cdf(previous)) - (d.partial_mean(now) - d.partial_mean(previous));
        previous = now;
    }
    plan.at_ms = std::move(at_ms);
    return plan;
}

} // namespace oneai::detail
