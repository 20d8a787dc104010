#pragma once
// What a client learns about the service's time, from the finished tasks' own
// times (creation to completion, as the service reports them). Per pipeline:
//  - a line through time against input size (weighted least squares, decayed
//    so it follows a service whose speed changes): the expected time;
//  - per size (quarter-octave buckets) a log-normal of the ratio of actual to
//    expected: how far off the line tasks of that size land. Small inputs
//    vary a lot relative to their time, large ones little.
// Bounded memory: a few pipelines, each a fixed array of buckets, the least
// recently used pipeline forgotten first. Sans-I/O.

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
    static constexpr std::size_t buckets = 96;

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
        // Decayed sums for the line time = a + b * size.
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        bucket overall{}; // the ratio's distribution over every size
        std::array<bucket, buckets> by_size{};
        double expected_ms(std::uint32_t size) const;
    };
    static void add(bucket& b, double x);
    static std::size_t bucket_of(std::uint32_t size);
    const pipeline_model* find(std::uint64_t pipeline) const;

    mutable std::list<pipeline_model> pipelines_; // most recently used first
};

} // namespace oneai::detail
