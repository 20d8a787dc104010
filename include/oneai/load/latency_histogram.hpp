#pragma once

#include <chrono>
#include <cstdint>
#include <oneai/config.hpp>
#include <optional>
#include <utility>
#include <vector>

namespace oneai::load {

/// A histogram of latencies with log-linear buckets: values below 256 us have
/// a bucket each, above that every power of two is split into 128 buckets, so a
/// bucket is at most 1/128 of its lower edge wide and a percentile (the middle
/// of its bucket, kept within the exact min and max) is within 0.4% of the
/// sorted-sample answer everywhere from 1 us to 1 h (0 has a bucket of its own).
///
/// Only the buckets that hold samples are stored (a sorted vector), so a
/// histogram per second of a long run stays small, and two histograms merge
/// exactly: the merge of the parts is the histogram of the whole. A plain
/// value; not thread-safe.
class ONEAI_API latency_histogram {
  public:
    /// The smallest value kept: negative values count as 0. A zero stays 0
    /// (a queue wait of 0 is reported as 0, not as 1 us).
    static constexpr std::chrono::microseconds lowest{0};
    /// The largest value kept; larger ones count as this.
    static constexpr std::chrono::microseconds highest = std::chrono::hours(1);

    /// One non-empty bucket: the values in [low, high] and how many there are.
    struct bucket {
        std::chrono::microseconds low{0};  ///< the smallest value of the bucket
        std::chrono::microseconds high{0}; ///< the largest value of the bucket
        std::uint64_t count = 0;           ///< samples in it
    };

    /// Records `count` samples of `v`, clamped to [lowest, highest].
    void record(std::chrono::microseconds v, std::uint64_t count = 1) noexcept;
    /// Adds every sample of `other`; exact.
    void merge(const latency_histogram& other) noexcept;

    /// Samples recorded.
    std::uint64_t count() const noexcept { return count_; }
    /// True when no sample was recorded.
    bool empty() const noexcept { return count_ == 0; }
    /// The smallest sample (after clamping); 0 when empty.
    std::chrono::microseconds min() const noexcept;
    /// The largest sample (after clamping); 0 when empty.
    std::chrono::microseconds max() const noexcept;
    /// The exact mean of the (clamped) samples; 0 when empty.
    double mean_us() const noexcept;
    /// The exact sum of the (clamped) samples, in microseconds.
    std::uint64_t sum_us() const noexcept { return sum_us_; }
    /// The sample of rank ceil(q * count) (nearest rank), to the bucket's
    /// precision; q = 0 is min(), q = 1 is max(); 0 when empty.
    std::chrono::microseconds percentile(double q) const noexcept;

    /// The non-empty buckets, lowest first.
    std::vector<bucket> buckets() const;
    /// Rebuilds a histogram from its buckets (given by any value inside each,
    /// typically `low`), min, max and sum, as written by a report. Nullopt
    /// when they contradict each other (a count of 0, min above max, ...).
    static std::optional<latency_histogram> from_parts(const std::vector<bucket>& buckets,
                                                       std::chrono::microseconds min,
                                                       std::chrono::microseconds max,
                                                       std::uint64_t sum_us);

    /// The same samples in the same buckets, with the same min, max and sum.
    friend bool operator==(const latency_histogram&, const latency_histogram&) = default;

  private:
    // (bucket index, samples), sorted by index.
    std::vector<std::pair<std::uint32_t, std::uint64_t>> counts_;
    std::uint64_t count_ = 0;
    std::uint64_t sum_us_ = 0;
    std::int64_t min_us_ = 0;
    std::int64_t max_us_ = 0;
};

} // namespace oneai::load
