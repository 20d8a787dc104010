#include "service_time_model.hpp"

#include <algorithm>
#include <cmath>

namespace oneai::detail {
namespace {

// A sample weighs this much more than one 1/decay samples ago: the model
// follows a service whose speed changes, within a few hundred tasks.
constexpr double decay = 0.995;
constexpr double seen = 0.9;   // a bucket with a sample (decayed a little) is known
constexpr double shrink = 3.0; // pseudo-samples of the pooled spread in a bucket's
constexpr double min_sigma = 0.005;

} // namespace

std::size_t service_time_model::bucket_of(std::uint32_t size) {
    const double b = 16.0 * std::log2(static_cast<double>(size) + 1.0);
    return std::min<std::size_t>(buckets - 1, static_cast<std::size_t>(b));
}

const service_time_model::pipeline_model* service_time_model::find(std::uint64_t pipeline) const {
    for (auto it = pipelines_.begin(); it != pipelines_.end(); ++it)
        if (it->pipeline == pipeline) {
            if (it != pipelines_.begin())
                pipelines_.splice(pipelines_.begin(), pipelines_, it);
            return &pipelines_.front();
        }
    return nullptr;
}

void service_time_model::add(bucket& b, double x) {
    // Exponentially weighted mean and variance (West's update with decay).
    b.weight = b.weight * decay + 1.0;
    const double alpha = 1.0 / b.weight;
    const double delta = x - b.mean;
    b.mean += alpha * delta;
    b.var = (1.0 - alpha) * (b.var + alpha * delta * delta);
}

void service_time_model::record(task_shape shape, double took_ms) {
    if (!(took_ms > 0) || !std::isfinite(took_ms))
        return;
    auto* model = const_cast<pipeline_model*>(find(shape.pipeline));
    if (!model) {
        if (pipelines_.size() >= max_pipelines)
            pipelines_.pop_back();
        pipelines_.emplace_front();
        pipelines_.front().pipeline = shape.pipeline;
        model = &pipelines_.front();
    }
    bucket& b = model->by_size[bucket_of(shape.size)];
    const double x = std::log(took_ms);
    const double before = b.weight > 0 ? x - b.mean : 0.0;
    add(b, x);
    if (b.weight > 1.5) { // a second sample of the bucket says something of the spread
        model->pooled_weight = model->pooled_weight * decay + 1.0;
        model->pooled_var += (before * before - model->pooled_var) / model->pooled_weight;
    }
}

std::optional<service_time_estimate> service_time_model::estimate(task_shape shape) const {
    const pipeline_model* model = find(shape.pipeline);
    if (!model)
        return std::nullopt;
    const auto& by = model->by_size;
    const std::size_t at = bucket_of(shape.size);
    // A bucket's spread, shrunk while its samples are few towards the spread
    // of sizes near it (within half an octave): small inputs vary much more,
    // relative to their time, than large ones, so a global pool would not do.
    double near_weight = 0, near_var = 0;
    for (std::size_t i = at > 8 ? at - 8 : 0; i < std::min(buckets, at + 9); ++i) {
        near_weight += by[i].weight;
        near_var += by[i].weight * by[i].var;
    }
    const double pooled = near_weight > 2 * seen     ? near_var / near_weight
                          : model->pooled_weight > 0 ? model->pooled_var
                                                     : 0.09;
    auto sigma_of = [&](const bucket& b) {
        const double var = (b.weight * b.var + shrink * pooled) / (b.weight + shrink);
        return std::max(min_sigma, std::sqrt(var));
    };
    if (by[at].weight >= seen)
        return service_time_estimate{std::exp(by[at].mean), sigma_of(by[at])};
    std::optional<std::size_t> below, above;
    for (std::size_t i = at; i-- > 0;)
        if (by[i].weight >= seen) {
            below = i;
            break;
        }
    for (std::size_t i = at + 1; i < buckets; ++i)
        if (by[i].weight >= seen) {
            above = i;
            break;
        }
    if (!below && !above)
        return std::nullopt;
    if (below && above) { // between two known sizes: a straight line in log time
        const auto& lo = by[*below];
        const auto& hi = by[*above];
        const double f = static_cast<double>(at - *below) / static_cast<double>(*above - *below);
        const double sigma = std::max(sigma_of(lo), sigma_of(hi));
        return service_time_estimate{std::exp(lo.mean + f * (hi.mean - lo.mean)), sigma};
    }
    // Past the last known size: along the slope of the known sizes, between
    // flat and linear in size (16 buckets an octave: at most ln 2 / 16 a bucket).
    double sw = 0, sb = 0, sm = 0, sbb = 0, sbm = 0;
    for (std::size_t i = 0; i < buckets; ++i) {
        if (by[i].weight < seen)
            continue;
        const double x = static_cast<double>(i), w = by[i].weight;
        sw += w;
        sb += w * x;
        sm += w * by[i].mean;
        sbb += w * x * x;
        sbm += w * x * by[i].mean;
    }
    const double spread = sw * sbb - sb * sb;
    const double slope =
        spread > 1e-9 ? std::clamp((sw * sbm - sb * sm) / spread, 0.0, std::log(2.0) / 16) : 0.0;
    const std::size_t from = below ? *below : *above;
    const double distance = static_cast<double>(at) - static_cast<double>(from);
    const double sigma = sigma_of(by[from]);
    return service_time_estimate{std::exp(by[from].mean + slope * distance),
                                 std::sqrt(sigma * sigma + std::pow(0.01 * std::abs(distance), 2))};
}

} // namespace oneai::detail
