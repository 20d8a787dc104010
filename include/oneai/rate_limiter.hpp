#pragma once

#include <chrono>
#include <oneai/config.hpp>

namespace oneai {

/// A client-side request rate limit (a token bucket): `rate` requests per
/// second, bursts up to `burst`. Shared by a batch's submits and polls.
///
/// Sans-I/O: the caller passes the time, and does the waiting. Not
/// thread-safe: use from one executor.
class ONEAI_API rate_limiter {
  public:
    /// The clock of the times passed in.
    using clock = std::chrono::steady_clock;
    /// `rate_per_second` tokens a second, at most `burst` (at least 1) kept;
    /// the bucket starts full. A rate <= 0 means unlimited.
    rate_limiter(double rate_per_second, double burst);

    /// Takes a token if one is available at `now` (returns 0), else returns how
    /// long until one will be (and takes nothing).
    clock::duration take(clock::time_point now);
    /// True when made with a rate <= 0: take() always returns 0.
    bool unlimited() const noexcept { return rate_ <= 0; }

  private:
    double rate_;
    double burst_;
    double tokens_;
    clock::time_point last_{};
    bool started_ = false;
};

} // namespace oneai
