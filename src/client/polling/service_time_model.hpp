#pragma once
// What a client learns about the service's time, from the finished tasks' own
// times (creation to completion, as the service reports them): per pipeline
// and input size, a log-normal fitted online. Sizes fall in buckets of 1/16
// of an octave (4.4%), fine enough that a cost growing with size barely
// widens a bucket; a size not seen yet is interpolated between the nearest
// sizes seen on each side (extrapolated along their slope past the last).
// A bucket's spread is shrunk towards the spread of nearby sizes while it has
// few samples. Bounded memory: a few pipelines, each a fixed array of
// buckets, the least recently used pipeline forgotten first. Sans-I/O.
//
// Unbiased while tasks are still running. The tasks that finish first are
// the short ones: fitted to them alone, a batch that starts 400 tasks at once
// would believe for seconds that tasks take a third of their real time, and
// poll far too early and too often. So:
//  - samples are weighted by the order in which their tasks *started* (a
//    window of about 500 starts), never by the order they finished in, which
//    favours the short ones at a batch's start and the long ones at its end;
//  - the tasks still running take part as censored samples ("longer than its
//    age so far"): a census of them (`census_begin`, `census`, `census_end`,
//    from the scheduler a few times a second) counts them by size and age
//    (1/16 octave), then expectation-maximisation fits each size to its
//    finished and running tasks together: each running one counts as its
//    expected log time given its age, under the fit, until the fit settles.

#include "poll_plan.hpp"

#include <oneai/detail/task_shape.hpp>

#include <array>
#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>
#include <vector>

namespace oneai::detail {

class service_time_model {
  public:
    static constexpr std::size_t max_pipelines = 16;
    static constexpr std::size_t buckets = 16 * 28; // sizes up to 2^28

    /// The start number of a task starting now (the order weights samples by).
    std::uint64_t start() noexcept { return ++started_; }
    std::uint64_t last_start() const noexcept { return started_; }
    /// A finished task of this shape, started as number `start`, took `took_ms`.
    void record(task_shape shape, double took_ms, std::uint64_t start);
    /// Records a task that started just now (for callers with no start number).
    void record(task_shape shape, double took_ms) { record(shape, took_ms, start()); }

    /// A census of the tasks still running: each one, started as number
    /// `start`, has run for `age_ms` so far.
    void census_begin();
    void census(task_shape shape, std::uint64_t start, double age_ms);
    void census_end();
    /// A scheduler that takes censuses starts (+1) or stops (-1). While one
    /// runs, a pipeline that just became known waits for its census.
    void census_source(int change);
    /// Whether a census would change much now: a pipeline became known, or
    /// one of its sizes got its first finished task, since the last one (their
    /// running tasks are not counted yet).
    bool census_wanted() const noexcept { return census_wanted_; }

    /// A pipeline is planned for once this many of its tasks have finished:
    /// before, an estimate is mostly prior, and a plan drawn from it would
    /// either bet on it or, hedging, poll more than the plain schedule does.
    static constexpr unsigned min_samples = 5;

    /// The estimate for a task of this shape; nullopt while nothing near it
    /// is known, or fewer than min_samples of its pipeline have finished.
    std::optional<service_time_estimate> estimate(task_shape shape) const;

  private:
    struct bucket {
        double count = 0;            // finished samples, decayed as they come (for the shrinkage)
        double w = 0, x = 0, xx = 0; // finished: sums of weight, weight*ln(ms), weight*ln(ms)^2
        double cw = 0, cx = 0, cxx = 0; // the running tasks' share, from the last census
    };
    struct fit {
        double mu = 0, var = 0;
    };
    struct pipeline_model {
        std::uint64_t pipeline = 0;
        std::uint64_t base = 0;                   // weights are exp((start - base) * growth)
        double pooled_weight = 0, pooled_var = 0; // spread within buckets, over all sizes
        unsigned finished = 0;                    // samples so far (to 2^32)
        bool awaiting_census = false; // known just now, its running tasks not yet counted
        std::array<bucket, buckets> by_size{};
    };
    static std::size_t bucket_of(std::uint32_t size);
    static std::optional<fit> fit_of(const bucket& b);
    static double pooled_var(const pipeline_model& m, std::size_t at);
    static void rescale(pipeline_model& m, std::uint64_t start);
    static double weight(const pipeline_model& m, std::uint64_t start);
    pipeline_model* find(std::uint64_t pipeline) const;

    // The last census: the running tasks' weights by pipeline, size bucket and age.
    struct census_cell {
        pipeline_model* model;
        std::uint32_t bucket;
        std::uint32_t age; // 1/16 octaves of milliseconds
        double weight;
    };
    std::vector<census_cell> cells_;
    std::unordered_map<std::uint64_t, std::size_t> cell_index_; // cleared each census

    std::uint64_t started_ = 0;
    bool census_wanted_ = false;
    int census_sources_ = 0; // schedulers taking censuses: a pipeline just known waits for one
    mutable std::list<pipeline_model> pipelines_; // most recently used first
};

} // namespace oneai::detail
