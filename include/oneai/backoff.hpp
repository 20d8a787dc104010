#pragma once
// How long to wait before the next attempt or poll. A copyable value: the
// per-operation state (the previous delay) is passed in, not kept inside.
// Kinds follow AWS's "Exponential Backoff And Jitter": with e = min(cap, base * m^n),
//   constant: base;  exponential: e;  full jitter: U(0, e);
//   equal jitter: e/2 + U(0, e/2);  decorrelated jitter: min(cap, U(base, 3 * previous)).

#include <chrono>
#include <cstdint>
#include <oneai/config.hpp>
#include <random>
#include <string>
#include <string_view>

namespace oneai {

class ONEAI_API backoff {
  public:
    using duration = std::chrono::milliseconds;
    enum class kind : std::uint8_t {
        constant,
        exponential,
        full_jitter,
        equal_jitter,
        decorrelated_jitter
    };

    static backoff constant(duration d);
    static backoff exponential(duration base, duration cap, double multiplier = 2.0);
    static backoff full_jitter(duration base, duration cap);
    static backoff equal_jitter(duration base, duration cap);
    static backoff decorrelated_jitter(duration base, duration cap);

    /// `fixed:1s`, `exp:250ms..8s`, `full:100ms..5s`, `equal:100ms..5s`,
    /// `decorrelated:250ms..8s`. Throws std::invalid_argument naming the problem.
    static backoff parse(std::string_view spec);
    std::string to_string() const;

    /// The delay before attempt `attempt` (0 = the first retry or poll);
    /// `previous` is the delay returned last time (decorrelated jitter uses it).
    duration delay(unsigned attempt, duration previous, std::mt19937_64& rng) const;

    kind shape() const noexcept { return kind_; }
    duration base() const noexcept { return base_; }
    duration cap() const noexcept { return cap_; }

  private:
    backoff(kind k, duration base, duration cap, double m)
        : kind_(k), base_(base), cap_(cap), multiplier_(m) {}
    duration exponential_bound(unsigned attempt) const;

    kind kind_;
    duration base_;
    duration cap_;
    double multiplier_;
};

} // namespace oneai
