#include "arrival_schedule.hpp"

#include <cmath>

namespace oneai::load::detail {

arrival_schedule::arrival_schedule(double rate, arrival_process process, std::uint64_t seed)
    : rate_(rate), process_(process), rng_(seed) {}

std::chrono::nanoseconds arrival_schedule::next() {
    double at_s;
    if (process_ == arrival_process::constant) {
        at_s = static_cast<double>(index_) / rate_;
    } else {
        at_s = poisson_at_s_;
        std::exponential_distribution<double> gap(rate_);
        poisson_at_s_ += gap(rng_);
    }
    ++index_;
    return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(at_s * 1e9)));
}

} // namespace oneai::load::detail
