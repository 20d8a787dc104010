#include "service_time_model.hpp"

#include <algorithm>
#include <cmath>

namespace oneai::detail {
namespace {

// A sample weighs this much more than one 1/decay samples ago: the model
// follows a service whose speed changes, within a few hundred tasks.
constexpr double decay = 0.995;
constexpr double enough = 3.0; // samples before a bucket speaks for itself
constexpr double min_sigma = 0.05;

} // namespace

std::size_t service_time_model::bucket_of(std::uint32_t size) {
    const double b = 4.0 * std::log2(static_cast<double>(size) + 1.0);
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
    // Exponentially weighted mean and variance (West's update with decay).
    b.weight = b.weight * decay + 1.0;
    const double alpha = 1.0 / b.weight;
    const double delta = x - b.mean;
    b.mean += alpha * delta;
    b.var = (1.0 - alpha) * (b.var + alpha * delta * delta);
}

std::optional<service_time_estimate> service_time_model::estimate(task_shape shape) const {
    const pipeline_model* model = find(shape.pipeline);
    if (!model)
        return std::nullopt;
    const std::size_t at = bucket_of(shape.size);
    const auto& here = model->by_size[at];
    auto sigma_of = [](const bucket& b) { return std::max(min_sigma, std::sqrt(b.var)); };
    if (here.weight >= enough)
        return service_time_estimate{std::exp(here.mean), sigma_of(here)};
    // Borrow from the nearest known sizes on each side, with more doubt the
    // farther they are.
    std::optional<std::size_t> below, above;
    for (std::size_t i = at; i-- > 0;)
        if (model->by_size[i].weight >= enough) {
            below = i;
            break;
        }
    for (std::size_t i = at + 1; i < buckets; ++i)
        if (model->by_size[i].weight >= enough) {
            above = i;
            break;
        }
    if (!below && !above)
        return std::nullopt;
    double mean = 0, sigma = 0;
    std::size_t distance = 0;
    if (below && above) {
        const auto& lo = model->by_size[*below];
        const auto& hi = model->by_size[*above];
        const double f = static_cast<double>(at - *below) / static_cast<double>(*above - *below);
        mean = lo.mean + f * (hi.mean - lo.mean);
        sigma = std::max(sigma_of(lo), sigma_of(hi));
        distance = std::min(at - *below, *above - at);
    } else {
        // Extrapolate along the slope the known sizes show: between flat (a
        // cost that does not depend on size) and linear in size.
        const std::size_t from = below ? *below : *above;
        double sw = 0, sb = 0, sm = 0, sbb = 0, sbm = 0;
        for (std::size_t i = 0; i < buckets; ++i) {
            const auto& b = model->by_size[i];
            if (b.weight < enough)
                continue;
            const double x = static_cast<double>(i);
            sw += b.weight;
            sb += b.weight * x;
            sm += b.weight * b.mean;
            sbb += b.weight * x * x;
            sbm += b.weight * x * b.mean;
        }
        const double spread = sw * sbb - sb * sb;
        const double slope =
            spread > 1e-9 ? std::clamp((sw * sbm - sb * sm) / spread, 0.0, std::log(2.0) / 4) : 0.0;
        mean = model->by_size[from].mean +
               slope * (static_cast<double>(at) - static_cast<double>(from));
        sigma = sigma_of(model->by_size[from]);
        distance = below ? at - from : from - at;
    }
    // A quarter octave of size is at most a quarter octave of time for a
    // cost linear in size: widen by that much per bucket of distance.
    sigma = std::sqrt(sigma * sigma + std::pow(0.17 * static_cast<double>(distance), 2));
    return service_time_estimate{std::exp(mean), sigma};
}

} // namespace oneai::detail
