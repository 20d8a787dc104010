#include "histogram.hpp"

#include <bit>

namespace oneai::common {

std::size_t histogram::bucket_of(std::uint64_t v) noexcept {
    if (v < (1u << sub_bits))
        return static_cast<std::size_t>(v);
    const int exponent = 63 - std::countl_zero(v); // >= sub_bits
    const int shift = exponent - sub_bits;
    const std::uint64_t mantissa = (v >> shift) & ((1u << sub_bits) - 1);
    return (static_cast<std::size_t>(shift + 1) << sub_bits) + mantissa;
}

std::uint64_t histogram::upper_edge(std::size_t bucket) noexcept {
    if (bucket < (1u << sub_bits))
        return bucket;
    const std::size_t shift = (bucket >> sub_bits) - 1;
    const std::uint64_t mantissa = bucket & ((1u << sub_bits) - 1);
    return (((1ull << sub_bits) + mantissa + 1) << shift) - 1;
}

void histogram::record(std::uint64_t micros) noexcept {
    ++buckets_[bucket_of(micros)];
    ++count_;
    sum_ += micros;
}

std::uint64_t histogram::percentile(double fraction) const noexcept {
    if (count_ == 0)
        return 0;
    const auto wanted = static_cast<std::uint64_t>(fraction * static_cast<double>(count_) + 0.5);
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < bucket_count; ++b) {
        seen += buckets_[b];
        if (seen >= wanted && seen > 0)
            return upper_edge(b);
    }
    return upper_edge(bucket_count - 1);
}

} // namespace oneai::common
