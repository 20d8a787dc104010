#include "adaptive_limit.hpp"

#include <algorithm>

namespace oneai::detail {

adaptive_limit::adaptive_limit(std::size_t start, std::size_t maximum, clock::duration cooldown)
    : limit_(static_cast<double>(std::max<std::size_t>(1, std::min(start, maximum)))),
      maximum_(static_cast<double>(std::max<std::size_t>(1, maximum))), cooldown_(cooldown) {}

void adaptive_limit::on_rate_limited(clock::time_point now, std::size_t in_flight) {
    if (decreased_ && now - last_decrease_ < cooldown_)
        return;
    decreased_ = true;
    last_decrease_ = now;
    limit_ = std::max(1.0, 0.9 * std::min(limit_, static_cast<double>(in_flight)));
    ++decreases_;
}

void adaptive_limit::on_accepted(bool limited) {
    if (!limited)
        return;
    // Slow start (no 429 yet): +1 per accepted submit; afterwards +1 per window.
    limit_ = std::min(maximum_, limit_ + (decreased_ ? 1.0 / limit_ : 1.0));
}

} // namespace oneai::detail
