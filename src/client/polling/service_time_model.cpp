#include "service_time_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <tuple>

namespace oneai::detail {
namespace {

// A sample weighs this much more than the one whose task started just before
// it: the model follows a service whose speed changes, over about 500 starts.
constexpr double growth = 0.002;
// Past this many starts since a pipeline's base the sums are scaled back down.
constexpr std::uint64_t rescale_after = 50'000;
// The same, counted as samples come: how much a bucket's own spread is trusted.
constexpr double decay = 0.995;
constexpr double seen = 0.9;   // a bucket with a sample (decayed a little) is known
constexpr double shrink = 3.0; // pseudo-samples of the pooled spread in a bucket's
constexpr double min_sigma = 0.005;
// The spread assumed of a pipeline before two of its tasks of one size have
// finished: wide (a factor of 2.7 either way), so that the first plans,
// drawn from a sample or two, spread their polls rather than bet on them.
constexpr double prior_var = 1.0;

double shrunk_sigma(double count, double var, double pooled) {
    return std::max(min_sigma, std::sqrt((count * var + shrink * pooled) / (count + shrink)));
}

} // namespace

std::size_t service_time_model::bucket_of(std::uint32_t size) {
    const double b = 16.0 * std::log2(static_cast<double>(size) + 1.0);
    return std::min<std::size_t>(buckets - 1, static_cast<std::size_t>(b));
}

service_time_model::pipeline_model* service_time_model::find(std::uint64_t pipeline) const {
    for (auto it = pipelines_.begin(); it != pipelines_.end(); ++it)
        if (it->pipeline == pipeline) {
            if (it != pipelines_.begin())
                pipelines_.splice(pipelines_.begin(), pipelines_, it);
            return &pipelines_.front();
        }
    return nullptr;
}

std::optional<service_time_model::fit> service_time_model::fit_of(const bucket& b) {
    const double w = b.w + b.cw;
    if (!(w > 0))
        return std::nullopt;
    const double mu = (b.x + b.cx) / w;
    return fit{mu, std::max(0.0, (b.xx + b.cxx) / w - mu * mu)};
}

void service_time_model::rescale(pipeline_model& m, std::uint64_t start) {
    if (start <= m.base + rescale_after)
        return;
    const double scale = std::exp(-static_cast<double>(start - m.base) * growth);
    for (auto& b : m.by_size) {
        b.w *= scale, b.x *= scale, b.xx *= scale;
        b.cw *= scale, b.cx *= scale, b.cxx *= scale;
        if (b.w < 1e-200) // nothing of it is left worth a fit: forgotten whole
            b = bucket{};
    }
    m.base = start;
}

double service_time_model::weight(const pipeline_model& m, std::uint64_t start) {
    return std::exp((static_cast<double>(start) - static_cast<double>(m.base)) * growth);
}

void service_time_model::record(task_shape shape, double took_ms, std::uint64_t start) {
    if (!(took_ms > 0) || !std::isfinite(took_ms))
        return;
    auto* model = find(shape.pipeline);
    if (!model) {
        if (pipelines_.size() >= max_pipelines)
            pipelines_.pop_back();
        pipelines_.emplace_front();
        pipelines_.front().pipeline = shape.pipeline;
        pipelines_.front().base = start;
        model = &pipelines_.front();
    }
    bucket& b = model->by_size[bucket_of(shape.size)];
    const double x = std::log(took_ms);
    const auto before = fit_of(b);
    if (model->finished < UINT32_MAX)
        ++model->finished;
    if (model->finished == min_samples || (model->finished > min_samples && b.count < seen))
        census_wanted_ = true;
    if (model->finished == min_samples && census_sources_ > 0)
        model->awaiting_census = true; // a fit to the first, short, finishers only would mislead
    b.count = b.count * decay + 1.0;
    rescale(*model, start);
    const double w = weight(*model, start);
    b.w += w;
    b.x += w * x;
    b.xx += w * x * x;
    if (before) { // a second sample of the bucket says something of the spread
        const double d = x - before->mu;
        model->pooled_weight = model->pooled_weight * decay + 1.0;
        model->pooled_var += (d * d - model->pooled_var) / model->pooled_weight;
    }
}

void service_time_model::census_source(int change) {
    census_sources_ = std::max(0, census_sources_ + change);
    if (census_sources_ == 0) // nobody left to take the census it waits for
        for (auto& m : pipelines_)
            m.awaiting_census = false;
}

void service_time_model::census_begin() {
    census_wanted_ = false;
    cells_.clear();
    cell_index_.clear();
    for (auto& m : pipelines_) // not during the census: its cells hold weights
        rescale(m, started_);
}

void service_time_model::census(task_shape shape, std::uint64_t start, double age_ms) {
    // Found without reordering the list: cells are keyed by the place in it.
    pipeline_model* model = nullptr;
    std::size_t position = 0;
    for (auto& m : pipelines_) {
        if (m.pipeline == shape.pipeline) {
            model = &m;
            break;
        }
        ++position;
    }
    if (!model)
        return; // nothing finished of this pipeline yet: nothing to correct
    const auto bucket = static_cast<std::uint32_t>(bucket_of(shape.size));
    const auto age = static_cast<std::uint32_t>(16.0 * std::log2(std::max(age_ms, 1.0)));
    const std::uint64_t key = (std::uint64_t{position} << 48) | (std::uint64_t{bucket} << 16) | age;
    const double w = weight(*model, start);
    auto [it, added] = cell_index_.try_emplace(key, cells_.size());
    if (added)
        cells_.push_back({model, bucket, age, 0.0});
    cells_[it->second].weight += w;
}

void service_time_model::census_end() {
    // Only buckets with running tasks change; the others lose any old census.
    for (auto& m : pipelines_) {
        m.awaiting_census = false;
        for (auto& b : m.by_size)
            b.cw = b.cx = b.cxx = 0;
    }
    std::sort(cells_.begin(), cells_.end(), [](const census_cell& a, const census_cell& b) {
        return std::tie(a.model, a.bucket) < std::tie(b.model, b.bucket);
    });
    for (std::size_t first = 0; first < cells_.size();) {
        std::size_t last = first;
        while (last < cells_.size() && cells_[last].model == cells_[first].model &&
               cells_[last].bucket == cells_[first].bucket)
            ++last;
        pipeline_model& m = *cells_[first].model;
        bucket& b = m.by_size[cells_[first].bucket];
        if (b.count >= seen && fit_of(b)) // a fit to start from: finished tasks of this size
            for (int step = 0; step < 50; ++step) {
                const auto f = fit_of(b);
                const double mu = f->mu;
                const double sigma =
                    shrunk_sigma(b.count, f->var, pooled_var(m, cells_[first].bucket));
                b.cw = b.cx = b.cxx = 0;
                for (std::size_t i = first; i < last; ++i) {
                    // The log time of a log-normal task known to be longer
                    // than its age: a normal truncated below at ln(age).
                    const double at = (cells_[i].age + 0.5) / 16.0 * std::numbers::ln2;
                    const double z = (at - mu) / sigma;
                    double lambda = 0; // the inverse Mills ratio: density over survival at z
                    if (z > 30)
                        lambda = z + 1 / z;
                    else if (z > -5)
                        lambda = std::exp(-z * z / 2) / std::sqrt(2 * std::numbers::pi) /
                                 (0.5 * std::erfc(z / std::sqrt(2.0)));
                    const double w = cells_[i].weight;
                    b.cw += w;
                    b.cx += w * (mu + sigma * lambda);
                    b.cxx += w * (mu * mu + sigma * sigma + sigma * lambda * (at + mu));
                }
                if (std::abs(fit_of(b)->mu - mu) < 1e-3)
                    break;
            }
        first = last;
    }
}

// The spread a bucket's own is shrunk towards while its samples are few: that
// of sizes near it (within half an octave), as small inputs vary much more,
// relative to their time, than large ones, so a global pool would not do.
double service_time_model::pooled_var(const pipeline_model& m, std::size_t at) {
    double near_weight = 0, near_var = 0;
    for (std::size_t i = at > 8 ? at - 8 : 0; i < std::min(buckets, at + 9); ++i)
        if (m.by_size[i].count >= seen)
            if (const auto f = fit_of(m.by_size[i])) {
                near_weight += m.by_size[i].count;
                near_var += m.by_size[i].count * f->var;
            }
    return near_weight > 2 * seen ? near_var / near_weight
           : m.pooled_weight > 0  ? m.pooled_var
                                  : prior_var;
}

std::optional<service_time_estimate> service_time_model::estimate(task_shape shape) const {
    const pipeline_model* model = find(shape.pipeline);
    if (!model || model->finished < min_samples || model->awaiting_census)
        return std::nullopt;
    const auto& by = model->by_size;
    const std::size_t at = bucket_of(shape.size);
    auto fit_at = [&](std::size_t i) { return by[i].count >= seen ? fit_of(by[i]) : std::nullopt; };
    const double pooled = pooled_var(*model, at);
    // The spread of the next task's time: the bucket's, widened by the
    // uncertainty of its median while its samples are few (the predictive
    // distribution), so that a plan drawn from three samples hedges.
    auto sigma_of = [&](std::size_t i) {
        const double sigma = shrunk_sigma(by[i].count, fit_at(i)->var, pooled);
        return sigma * std::sqrt(1.0 + 1.0 / std::max(by[i].count, 1.0));
    };
    if (fit_at(at))
        return service_time_estimate{std::exp(fit_at(at)->mu), sigma_of(at)};
    std::optional<std::size_t> below, above;
    for (std::size_t i = at; i-- > 0;)
        if (fit_at(i)) {
            below = i;
            break;
        }
    for (std::size_t i = at + 1; i < buckets; ++i)
        if (fit_at(i)) {
            above = i;
            break;
        }
    if (!below && !above)
        return std::nullopt;
    if (below && above) { // between two known sizes: a straight line in log time
        const double lo = fit_at(*below)->mu, hi = fit_at(*above)->mu;
        const double f = static_cast<double>(at - *below) / static_cast<double>(*above - *below);
        const double sigma = std::max(sigma_of(*below), sigma_of(*above));
        return service_time_estimate{std::exp(lo + f * (hi - lo)), sigma};
    }
    // Past the last known size: along the slope of the known sizes, between
    // flat and linear in size (16 buckets an octave: at most ln 2 / 16 a bucket).
    double sw = 0, sb = 0, sm = 0, sbb = 0, sbm = 0;
    for (std::size_t i = 0; i < buckets; ++i) {
        if (!fit_at(i))
            continue;
        const double x = static_cast<double>(i), w = by[i].count, mu = fit_at(i)->mu;
        sw += w;
        sb += w * x;
        sm += w * mu;
        sbb += w * x * x;
        sbm += w * x * mu;
    }
    const double spread = sw * sbb - sb * sb;
    const double slope =
        spread > 1e-9 ? std::clamp((sw * sbm - sb * sm) / spread, 0.0, std::log(2.0) / 16) : 0.0;
    const std::size_t from = below ? *below : *above;
    const double distance = static_cast<double>(at) - static_cast<double>(from);
    const double sigma = sigma_of(from);
    return service_time_estimate{std::exp(fit_at(from)->mu + slope * distance),
                                 std::sqrt(sigma * sigma + std::pow(0.01 * std::abs(distance), 2))};
}

} // namespace oneai::detail
