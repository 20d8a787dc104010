#pragma once

#include <oneai/config.hpp>

namespace oneai {

/// A retry budget shared by many operations (a token bucket): each retry
/// spends a token, each success refills a fraction, so a failing service sees
/// retries fade out instead of multiply.
///
/// Set it in retry_policy::budget. Not thread-safe: share it only among
/// clients used from one executor.
class ONEAI_API retry_budget {
  public:
    /// Starts full, with `max_tokens` retries; each success gives back
    /// `refill_per_success` of a retry, up to `max_tokens`.
    explicit retry_budget(double max_tokens = 100, double refill_per_success = 0.1)
        : max_(max_tokens), tokens_(max_tokens), refill_(refill_per_success) {}

    /// Takes a token for a retry; false when the budget is spent.
    bool try_spend() noexcept {
        if (tokens_ < 1.0)
            return false;
        tokens_ -= 1.0;
        return true;
    }
    /// Records a request that succeeded: refills a fraction of a token.
    void on_success() noexcept { tokens_ = tokens_ + refill_ > max_ ? max_ : tokens_ + refill_; }
    /// The tokens left (retries available, fractions included).
    double tokens() const noexcept { return tokens_; }

  private:
    double max_;
    double tokens_;
    double refill_;
};

} // namespace oneai
