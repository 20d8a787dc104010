// latency_histogram: the 1% error bound over 1 us..1 h, exact merge, clamping, empty.

#include <oneai/load/latency_histogram.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using oneai::load::latency_histogram;
using std::chrono::microseconds;

namespace {

/// The nearest-rank percentile of sorted samples: the one of rank ceil(q * n).
std::int64_t exact_percentile(const std::vector<std::int64_t>& sorted, double q) {
    const auto n = sorted.size();
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
    rank = std::clamp<std::size_t>(rank, 1, n);
    return sorted[rank - 1];
}

const std::vector<double> quantiles{0.0, 0.001, 0.01, 0.1,   0.25,   0.5, 0.75,
                                    0.9, 0.95,  0.99, 0.999, 0.9999, 1.0};

/// The largest relative error of the histogram's percentiles against the
/// sorted samples, over `quantiles`.
double worst_relative_error(std::vector<std::int64_t> samples) {
    latency_histogram h;
    for (auto us : samples)
        h.record(microseconds(us));
    std::sort(samples.begin(), samples.end());
    double worst = 0;
    for (double q : quantiles) {
        const auto exact = static_cast<double>(exact_percentile(samples, q));
        const auto measured = static_cast<double>(h.percentile(q).count());
        worst = std::max(worst, std::abs(measured - exact) / exact);
    }
    return worst;
}

} // namespace

TEST(LatencyHistogram, PercentilesWithinOnePercentFromOneMicrosecondToAnHour) {
    // Log-uniform over the whole range, so every power of two gets samples.
    std::mt19937_64 random(42);
    std::uniform_real_distribution<double> exponent(0.0, std::log(3600e6));
    std::vector<std::int64_t> samples(200'000);
    for (auto& s : samples)
        s = std::clamp<std::int64_t>(std::llround(std::exp(exponent(random))), 1, 3'600'000'000);
    const double worst = worst_relative_error(samples);
    EXPECT_LE(worst, 0.01);
    RecordProperty("worst_relative_error", std::to_string(worst));
}

TEST(LatencyHistogram, PercentilesWithinOnePercentAtEveryScale) {
    // Narrow distributions at each decade: a percentile lands anywhere inside
    // a bucket, not only at the values a wide spread happens to hit.
    std::mt19937_64 random(7);
    double worst = 0;
    for (double centre : {3.0, 50.0, 700.0, 9e3, 1.2e5, 3e6, 4e7, 6e8, 3.5e9}) {
        std::lognormal_distribution<double> spread(std::log(centre), 0.05);
        std::vector<std::int64_t> samples(20'000);
        for (auto& s : samples)
            s = std::clamp<std::int64_t>(std::llround(spread(random)), 1, 3'600'000'000);
        const double error = worst_relative_error(samples);
        EXPECT_LE(error, 0.01) << "around " << centre << " us";
        worst = std::max(worst, error);
    }
    RecordProperty("worst_relative_error", std::to_string(worst));
}

TEST(LatencyHistogram, EveryValueStaysWithinItsBucketPrecision) {
    // Each value alone: its percentiles are the value itself, whatever bucket.
    for (std::int64_t us = 1; us <= 3'600'000'000; us = us * 13 / 10 + 1) {
        latency_histogram h;
        h.record(microseconds(us));
        h.record(microseconds(us * 2 <= 3'600'000'000 ? us * 2 : us));
        const double p50 = static_cast<double>(h.percentile(0.5).count());
        EXPECT_LE(std::abs(p50 - static_cast<double>(us)) / static_cast<double>(us), 0.005) << us;
    }
}

TEST(LatencyHistogram, MergeOfPartsEqualsTheWhole) {
    std::mt19937_64 random(3);
    std::lognormal_distribution<double> latency(std::log(200e3), 1.5);
    latency_histogram whole;
    std::vector<latency_histogram> parts(4);
    for (int i = 0; i < 50'000; ++i) {
        const microseconds v(std::llround(latency(random)));
        whole.record(v);
        parts[static_cast<std::size_t>(i) % parts.size()].record(v);
    }
    latency_histogram merged;
    for (const auto& p : parts)
        merged.merge(p);
    EXPECT_EQ(merged, whole);
    EXPECT_EQ(merged.count(), 50'000u);
    EXPECT_EQ(merged.max(), whole.max());
    EXPECT_EQ(merged.sum_us(), whole.sum_us());
    for (double q : quantiles)
        EXPECT_EQ(merged.percentile(q), whole.percentile(q)) << q;
    // Merging in the other order, and into a non-empty histogram, is the same.
    latency_histogram reversed = parts[3];
    reversed.merge(parts[2]);
    reversed.merge(parts[1]);
    reversed.merge(parts[0]);
    EXPECT_EQ(reversed, whole);
}

TEST(LatencyHistogram, ClampsToZeroAndOneHour) {
    latency_histogram h;
    h.record(microseconds(0));
    h.record(microseconds(-5));
    h.record(std::chrono::hours(2), 3);
    EXPECT_EQ(h.count(), 5u);
    // A zero (a queue wait of 0) stays 0, and a negative value counts as 0.
    EXPECT_EQ(h.min(), microseconds(0));
    EXPECT_EQ(h.max(), std::chrono::hours(1));
    EXPECT_EQ(h.percentile(0.1), microseconds(0));
    // Values over an hour count as an hour, in the top bucket.
    EXPECT_EQ(h.percentile(0.99), std::chrono::hours(1));
    EXPECT_EQ(h.sum_us(), 3ull * 3'600'000'000ull);
}

TEST(LatencyHistogram, ZerosAndOnesAreTwoBuckets) {
    latency_histogram h;
    h.record(microseconds(0), 3);
    h.record(microseconds(1));
    EXPECT_EQ(h.percentile(0.5), microseconds(0));
    EXPECT_EQ(h.percentile(1), microseconds(1));
    ASSERT_EQ(h.buckets().size(), 2u);
    EXPECT_EQ(h.buckets()[0].low, microseconds(0));
    EXPECT_EQ(h.buckets()[0].count, 3u);
    // It survives the round trip through its parts, as a report stores it.
    EXPECT_EQ(latency_histogram::from_parts(h.buckets(), h.min(), h.max(), h.sum_us()), h);
}

TEST(LatencyHistogram, EmptyAnswersZero) {
    latency_histogram h;
    EXPECT_TRUE(h.empty());
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.percentile(0.5), microseconds(0));
    EXPECT_EQ(h.percentile(1.0), microseconds(0));
    EXPECT_EQ(h.min(), microseconds(0));
    EXPECT_EQ(h.max(), microseconds(0));
    EXPECT_EQ(h.mean_us(), 0.0);
    EXPECT_TRUE(h.buckets().empty());
    latency_histogram other;
    other.record(microseconds(10));
    h.merge(latency_histogram{});
    EXPECT_TRUE(h.empty());
    h.merge(other);
    EXPECT_EQ(h, other);
}

TEST(LatencyHistogram, MeanAndExtremesAreExact) {
    latency_histogram h;
    h.record(microseconds(1001));
    h.record(microseconds(2003));
    h.record(microseconds(123457));
    EXPECT_EQ(h.min(), microseconds(1001));
    EXPECT_EQ(h.max(), microseconds(123457));
    EXPECT_DOUBLE_EQ(h.mean_us(), (1001.0 + 2003.0 + 123457.0) / 3.0);
}

TEST(LatencyHistogram, TheLowestAndHighestRanksAreExact) {
    latency_histogram h;
    h.record(microseconds(301'000));
    h.record(microseconds(305'000));
    EXPECT_EQ(h.percentile(0.5), microseconds(301'000));
    EXPECT_EQ(h.percentile(0.9), microseconds(305'000));
}

TEST(LatencyHistogram, RebuildsFromItsParts) {
    latency_histogram h;
    for (std::int64_t us : {3, 400, 401, 90'000, 7'000'000})
        h.record(microseconds(us));
    auto rebuilt = latency_histogram::from_parts(h.buckets(), h.min(), h.max(), h.sum_us());
    ASSERT_TRUE(rebuilt);
    EXPECT_EQ(*rebuilt, h);
    // Parts that contradict each other are refused.
    EXPECT_FALSE(latency_histogram::from_parts(h.buckets(), h.max(), h.min(), h.sum_us()));
    EXPECT_FALSE(latency_histogram::from_parts(h.buckets(), h.min(), h.max(), 1));
    auto zero = h.buckets();
    zero[0].count = 0;
    EXPECT_FALSE(latency_histogram::from_parts(zero, h.min(), h.max(), h.sum_us()));
    EXPECT_TRUE(latency_histogram::from_parts({}, microseconds(0), microseconds(0), 0));
}
