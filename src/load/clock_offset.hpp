#pragma once
// The offset between the service's clock and ours, from submit round trips, as
// NTP estimates it: the service stamped the task's creation time somewhere
// between our send and our receive, so with symmetric delays it stamped it at
// the midpoint, and offset = creation - (send + receive) / 2, within +-rtt/2.
// The round trip with the least delay bounds the error best, so the estimate
// is the sample of the shortest round trip seen so far.

#include <cstdint>
#include <optional>

namespace oneai::load::detail {

class clock_offset {
  public:
    /// One submit: our send and receive times and the service's creation time,
    /// all in microseconds since the Unix epoch (each on its own clock).
    void add(std::int64_t sent_us, std::int64_t received_us, std::int64_t service_created_us);
    /// Service clock minus ours, in microseconds; nullopt before any sample.
    std::optional<std::int64_t> offset_us() const noexcept;
    /// The bound of its error (half the best round trip).
    std::int64_t error_bound_us() const noexcept { return best_rtt_us_ / 2; }

  private:
    std::int64_t best_rtt_us_ = -1;
    std::int64_t offset_us_ = 0;
};

} // namespace oneai::load::detail
