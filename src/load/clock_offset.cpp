#include "clock_offset.hpp"

namespace oneai::load::detail {

void clock_offset::add(std::int64_t sent_us, std::int64_t received_us,
                       std::int64_t service_created_us) {
    const std::int64_t rtt = received_us - sent_us;
    if (rtt < 0 || (best_rtt_us_ >= 0 && rtt >= best_rtt_us_))
        return;
    best_rtt_us_ = rtt;
    // (sent + received) / 2 without overflow concerns: both are ~1.8e15.
    offset_us_ = service_created_us - (sent_us + rtt / 2);
}

std::optional<std::int64_t> clock_offset::offset_us() const noexcept {
    if (best_rtt_us_ < 0)
        return std::nullopt;
    return offset_us_;
}

} // namespace oneai::load::detail
