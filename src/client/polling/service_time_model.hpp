#pragma once
// What a client learns about the service's time: for each pipeline and input
// size (in quarter-octave buckets), a log-normal fitted online to the finished
// tasks' own times (creation to completion, as the service reports them).
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
        std::array<bucket, buckets> by_size{};
    };
    static std::size_t bucket_of(std::uint32_t size);
    const pipeline_model* find(std::uint64_t pipeline) const;

    mutable std::list<pipeline_model> pipelines_; // most recently used first
};

} // namespace oneai::detail
