#pragma once
// What a client learns about the service's time, from the finished tasks' own
// times (creation to completion, as the service reports them): per pipeline
// and input size, a log-normal fitted online. Sizes fall in buckets of 1/16
// of an octave (4.4%), fine enough that a cost growing with size barely
// widens a bucket; a size not seen yet is interpolated between the nearest
// sizes seen on each side (extrapolated along their slope past the last).
// A bucket's spread is shrunk towards the pipeline's pooled spread while it
// has few samples. Bounded memory: a few pipelines, each a fixed array of
// buckets, the least recently used pipeline forgotten first. Sans-I/O.

#include "poll_plan.hpp"

#include <oneai/detail/task_shape.hpp>

#include <array>
#include <cstdint>
#include <list>
#include <optional>

namespace oneai::detail {

class service_time_model {
  public:
    static constexpr std::size_t max_pipelines = 16;
    static constexpr std::size_t buckets = 16 * 28; // sizes up to 2^28

    void record(task_shape shape, double took_ms);
    /// The estimate for a task of this shape; nullopt while nothing near it is known.
    std::optional<service_time_estimate> estimate(task_shape shape) const;

  private:
    struct bucket {
        double weight = 0; // decayed count
        double mean = 0;   // of ln(ms)
        double var = 0;
    };
    struct pipeline_model {
        std::uint64_t pipeline = 0;
        double pooled_weight = 0, pooled_var = 0; // spread within buckets, over all sizes
        std::array<bucket, buckets> by_size{};
    };
    static void add(bucket& b, double x);
    static std::size_t bucket_of(std::uint32_t size);
    const pipeline_model* find(std::uint64_t pipeline) const;

    mutable std::list<pipeline_model> pipelines_; // most recently used first
};

} // namespace oneai::detail
