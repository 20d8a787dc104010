#pragma once
// A retry budget shared by many operations (a token bucket, as AWS's retry
// quota): each retry spends a token, each success refills a fraction, so a
// failing service sees retries fade out instead of multiply.
// Used from one executor (not thread-safe).

#include <oneai/config.hpp>

namespace oneai {

class ONEAI_API retry_budget {
  public:
    explicit retry_budget(double max_tokens = 100, double refill_per_success = 0.1)
        : max_(max_tokens), tokens_(max_tokens), refill_(refill_per_success) {}

    /// Takes a token for a retry; false when the budget is spent.
    bool try_spend() noexcept {
        if (tokens_ < 1.0)
            return false;
        tokens_ -= 1.0;
        return true;
    }
    void on_success() noexcept { tokens_ = tokens_ + refill_ > max_ ? max_ : tokens_ + refill_; }
    double tokens() const noexcept { return tokens_; }

  private:
    double max_;
    double tokens_;
    double refill_;
};

} // namespace oneai
