#pragma once
// The intended start times of an open-loop run, as offsets from its start:
// evenly spaced, or a Poisson process (exponential gaps drawn from a seed).
// Offsets are exact multiples of the gap for constant arrivals (k / rate, not
// a running sum), so a long run does not drift by rounding.

#include <oneai/load/load_options.hpp>

#include <chrono>
#include <cstdint>
#include <random>

namespace oneai::load::detail {

class arrival_schedule {
  public:
    arrival_schedule(double rate, arrival_process process, std::uint64_t seed);
    /// The offset of the next arrival; each call moves on by one.
    std::chrono::nanoseconds next();

  private:
    double rate_;
    arrival_process process_;
    std::mt19937_64 rng_;
    std::uint64_t index_ = 0;
    double poisson_at_s_ = 0;
};

} // namespace oneai::load::detail
