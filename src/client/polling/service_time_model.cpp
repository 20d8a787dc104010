#include "service_time_model.hpp"

#include <algorithm>
#include <cmath>

namespace oneai::detail {
namespace {

// A sample weighs this much more than one 1/decay samples ago: the model
// follows a service whose speed changes, within a few hundred tasks.
constexpr double decay = 0.995;
constexpr double enough = 3.0; // samples before a bucket speaks for itself
constexpr double min_sigma = 0.005;

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

double service_time_model::pipeline_model::expected_ms(std::uint32_t size) const {
    const double spread = sw * sxx - sx * sx;
    const double mean_y = sy / sw;
    if (spread <= 1e-9 * sw * sw) // one size seen so far: its mean
        return mean_y;
    const double b = std::max(0.0, (sw * sxy - sx * sy) / spread); // never faster when larger
    const double a = (sy - b * sx) / sw;
    return std::max(1.0, a + b * static_cast<double>(size));
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
    const double x = shape.size, y = took_ms;
    model->sw = model->sw * decay + 1;
    model->sx = model->sx * decay + x;
    model->sy = model->sy * decay + y;
    model->sxx = model->sxx * decay + x * x;
    model->sxy = model->sxy * decay + x * y;
    const double ratio = std::log(took_ms / model->expected_ms(shape.size));
    add(model->by_size[bucket_of(shape.size)], ratio);
    add(model->overall, ratio);
}

std::optional<service_time_estimate> service_time_model::estimate(task_shape shape) const {
    const pipeline_model* model = find(shape.pipeline);
    if (!model || model->overall.weight < enough)
        return std::nullopt;
    const double expected = model->expected_ms(shape.size);
    auto sigma_of = [](const bucket& b) { return std::max(min_sigma, std::sqrt(b.var)); };
    auto from = [&](const bucket& b, double extra_sigma) {
        const double sigma = sigma_of(b);
        return service_time_estimate{expected * std::exp(b.mean),
                                     std::sqrt(sigma * sigma + extra_sigma * extra_sigma)};
    };
    const std::size_t at = bucket_of(shape.size);
    if (model->by_size[at].weight >= enough)
        return from(model->by_size[at], 0);
    // Borrow the spread from the nearest known size, with more doubt the farther it is.
    for (std::size_t d = 1; d < buckets; ++d) {
        const bucket* near = nullptr;
        if (at >= d && model->by_size[at - d].weight >= enough)
            near = &model->by_size[at - d];
        else if (at + d < buckets && model->by_size[at + d].weight >= enough)
            near = &model->by_size[at + d];
        if (near)
            return from(*near, 0.05 * static_cast<double>(d));
    }
    return from(model->overall, 0);
}

} // namespace oneai::detail
