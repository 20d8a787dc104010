#pragma once
// A log-linear histogram of durations in microseconds: 16 sub-buckets per power
// of two, so percentiles are within about 6% with a fixed 8 KiB of memory
// however many samples arrive.

#include <array>
#include <cstdint>

namespace oneai::common {

class histogram {
  public:
    void record(std::uint64_t micros) noexcept;
    std::uint64_t count() const noexcept { return count_; }
    double mean() const noexcept { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }
    /// The value below which `fraction` of the samples lie (upper bucket edge).
    std::uint64_t percentile(double fraction) const noexcept;

  private:
    static constexpr int sub_bits = 4;
    static constexpr std::size_t bucket_count = 64 << sub_bits;
    static std::size_t bucket_of(std::uint64_t v) noexcept;
    static std::uint64_t upper_edge(std::size_t bucket) noexcept;

    std::array<std::uint64_t, bucket_count> buckets_{};
    std::uint64_t count_ = 0;
    std::uint64_t sum_ = 0;
};

} // namespace oneai::common
