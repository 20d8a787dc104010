#include <oneai/load/latency_histogram.hpp>

#include <algorithm>
#include <bit>
#include <cmath>

namespace oneai::load {

namespace {

// Values below 2^(sub_bits + 1) have a bucket each; above, the power of two
// [2^e, 2^(e+1)) is split into 2^sub_bits buckets of width 2^(e - sub_bits).
constexpr int sub_bits = 7;
constexpr std::uint64_t linear_limit = std::uint64_t{1} << (sub_bits + 1);

std::uint32_t bucket_of(std::uint64_t v) noexcept {
    if (v < linear_limit)
        return static_cast<std::uint32_t>(v);
    const int shift = std::bit_width(v) - 1 - sub_bits; // >= 1
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(shift) << sub_bits) +
                                      (v >> shift));
}

std::uint64_t low_of(std::uint32_t bucket) noexcept {
    if (bucket < linear_limit)
        return bucket;
    const int shift = static_cast<int>(bucket >> sub_bits) - 1;
    const std::uint64_t mantissa = bucket - (static_cast<std::uint64_t>(shift) << sub_bits);
    return mantissa << shift;
}

std::uint64_t high_of(std::uint32_t bucket) noexcept {
    return low_of(bucket + 1) - 1;
}

std::int64_t clamp_us(std::chrono::microseconds v) noexcept {
    return std::clamp(v.count(), latency_histogram::lowest.count(),
                      latency_histogram::highest.count());
}

} // namespace

void latency_histogram::record(std::chrono::microseconds v, std::uint64_t count) noexcept {
    if (count == 0)
        return;
    const std::int64_t us = clamp_us(v);
    const std::uint32_t b = bucket_of(static_cast<std::uint64_t>(us));
    auto at =
        std::lower_bound(counts_.begin(), counts_.end(), b,
                         [](const auto& entry, std::uint32_t key) { return entry.first < key; });
    if (at != counts_.end() && at->first == b)
        at->second += count;
    else
        counts_.insert(at, {b, count});
    min_us_ = count_ == 0 ? us : std::min(min_us_, us);
    max_us_ = count_ == 0 ? us : std::max(max_us_, us);
    count_ += count;
    sum_us_ += static_cast<std::uint64_t>(us) * count;
}

void latency_histogram::merge(const latency_histogram& other) noexcept {
    if (other.count_ == 0)
        return;
    std::vector<std::pair<std::uint32_t, std::uint64_t>> merged;
    merged.reserve(counts_.size() + other.counts_.size());
    auto a = counts_.begin();
    auto b = other.counts_.begin();
    while (a != counts_.end() || b != other.counts_.end()) {
        if (b == other.counts_.end() || (a != counts_.end() && a->first < b->first))
            merged.push_back(*a++);
        else if (a == counts_.end() || b->first < a->first)
            merged.push_back(*b++);
        else {
            merged.emplace_back(a->first, a->second + b->second);
            ++a;
            ++b;
        }
    }
    counts_ = std::move(merged);
    min_us_ = count_ == 0 ? other.min_us_ : std::min(min_us_, other.min_us_);
    max_us_ = count_ == 0 ? other.max_us_ : std::max(max_us_, other.max_us_);
    count_ += other.count_;
    sum_us_ += other.sum_us_;
}

std::chrono::microseconds latency_histogram::min() const noexcept {
    return std::chrono::microseconds(min_us_);
}

std::chrono::microseconds latency_histogram::max() const noexcept {
    return std::chrono::microseconds(max_us_);
}

double latency_histogram::mean_us() const noexcept {
    return count_ ? static_cast<double>(sum_us_) / static_cast<double>(count_) : 0.0;
}

std::chrono::microseconds latency_histogram::percentile(double q) const noexcept {
    if (count_ == 0)
        return std::chrono::microseconds(0);
    if (!(q > 0))
        return min();
    if (q >= 1)
        return max();
    const double wanted = std::ceil(q * static_cast<double>(count_));
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(wanted));
    // The lowest and highest samples are known exactly.
    if (rank == 1)
        return min();
    if (rank >= count_)
        return max();
    std::uint64_t seen = 0;
    for (const auto& [b, n] : counts_) {
        seen += n;
        if (seen >= rank) {
            // The middle of the bucket halves the worst error; the exact
            // extremes narrow the buckets they fall in.
            const auto low = std::max(static_cast<std::int64_t>(low_of(b)), min_us_);
            const auto high = std::min(static_cast<std::int64_t>(high_of(b)), max_us_);
            const auto us = low + (high - low) / 2;
            return std::chrono::microseconds(us);
        }
    }
    return max();
}

std::vector<latency_histogram::bucket> latency_histogram::buckets() const {
    std::vector<bucket> out;
    out.reserve(counts_.size());
    for (const auto& [b, n] : counts_)
        out.push_back({std::chrono::microseconds(static_cast<std::int64_t>(low_of(b))),
                       std::chrono::microseconds(static_cast<std::int64_t>(high_of(b))), n});
    return out;
}

std::optional<latency_histogram> latency_histogram::from_parts(const std::vector<bucket>& buckets,
                                                               std::chrono::microseconds min,
                                                               std::chrono::microseconds max,
                                                               std::uint64_t sum_us) {
    latency_histogram h;
    for (const auto& b : buckets) {
        if (b.count == 0 || b.low < lowest || b.low > highest)
            return std::nullopt;
        h.record(b.low, b.count);
    }
    if (h.count_ == 0)
        return min.count() == 0 && max.count() == 0 && sum_us == 0
                   ? std::optional<latency_histogram>(h)
                   : std::nullopt;
    // The exact extremes and sum replace the bucket edges record() saw; they
    // must lie in the first and last buckets, and the sum between the bounds
    // the buckets allow.
    const std::uint32_t first = h.counts_.front().first;
    const std::uint32_t last = h.counts_.back().first;
    if (min < lowest || max > highest || min > max ||
        bucket_of(static_cast<std::uint64_t>(min.count())) != first ||
        bucket_of(static_cast<std::uint64_t>(max.count())) != last)
        return std::nullopt;
    std::uint64_t low_sum = 0;
    std::uint64_t high_sum = 0;
    for (const auto& [b, n] : h.counts_) {
        low_sum += low_of(b) * n;
        high_sum += high_of(b) * n;
    }
    if (sum_us < low_sum || sum_us > high_sum)
        return std::nullopt;
    h.min_us_ = min.count();
    h.max_us_ = max.count();
    h.sum_us_ = sum_us;
    return h;
}

} // namespace oneai::load
