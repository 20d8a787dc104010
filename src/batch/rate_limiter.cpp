#include <oneai/rate_limiter.hpp>

#include <algorithm>

namespace oneai {

rate_limiter::rate_limiter(double rate_per_second, double burst)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)), tokens_(std::max(1.0, burst)) {}

rate_limiter::clock::duration rate_limiter::take(clock::time_point now) {
    if (unlimited())
        return clock::duration::zero();
    if (started_) {
        const double elapsed = std::chrono::duration<double>(now - last_).count();
        tokens_ = std::min(burst_, tokens_ + std::max(0.0, elapsed) * rate_);
    }
    started_ = true;
    last_ = now;
    if (tokens_ >= 1.0) {
        tokens_ -= 1.0;
        return clock::duration::zero();
    }
    // At most a day: a tiny rate (1e-300/s) must not overflow the clock.
    const double wait_seconds = std::min((1.0 - tokens_) / rate_, 86'400.0);
    return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(wait_seconds));
}

} // namespace oneai
