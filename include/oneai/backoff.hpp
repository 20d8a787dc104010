#pragma once

#include <chrono>
#include <cstdint>
#include <oneai/config.hpp>
#include <random>
#include <string>
#include <string_view>

namespace oneai {

/// How long to wait before the next attempt or poll.
///
/// A copyable value: the per-operation state (the previous delay) is passed in,
/// not kept inside, so one backoff can serve many operations at once. The kinds
/// follow the usual "exponential backoff and jitter" family; with
/// `e = min(cap, base * multiplier^attempt)`:
/// - constant: `base`;
/// - exponential: `e`;
/// - full jitter: uniform in `[0, e]`;
/// - equal jitter: `e/2` plus uniform in `[0, e/2]`;
/// - decorrelated jitter: `min(cap, uniform in [base, 3 * previous])`.
///
/// Used by retry_policy (between attempts) and poll_policy (between polls).
class ONEAI_API backoff {
  public:
    /// Delays are whole milliseconds.
    using duration = std::chrono::milliseconds;
    /// Which formula delay() applies.
    enum class kind : std::uint8_t {
        constant,           ///< always `base`
        exponential,        ///< `base * multiplier^attempt`, at most `cap`
        full_jitter,        ///< uniform between 0 and the exponential bound
        equal_jitter,       ///< half the exponential bound, plus up to the other half
        decorrelated_jitter ///< uniform between `base` and three times the previous delay
    };

    /// The same delay `d` every time.
    static backoff constant(duration d);
    /// `base`, then `base * multiplier`, ..., never above `cap`. Throws
    /// std::invalid_argument when `multiplier` is below 1.
    static backoff exponential(duration base, duration cap, double multiplier = 2.0);
    /// A uniform draw below the exponential bound (multiplier 2, at most `cap`).
    static backoff full_jitter(duration base, duration cap);
    /// Half the exponential bound, plus a uniform draw below the other half.
    static backoff equal_jitter(duration base, duration cap);
    /// A uniform draw between `base` and three times the previous delay, at most `cap`.
    static backoff decorrelated_jitter(duration base, duration cap);

    /// Reads the command-line form: `fixed:1s`, `exp:250ms..8s`, `full:100ms..5s`,
    /// `equal:100ms..5s`, `decorrelated:250ms..8s`. Throws std::invalid_argument
    /// naming the problem.
    static backoff parse(std::string_view spec);
    /// The form parse() reads.
    std::string to_string() const;

    /// The delay before attempt `attempt` (0 = the first retry or poll);
    /// `previous` is the delay returned last time (decorrelated jitter uses it).
    /// The jittered kinds draw from `rng`, which the caller owns: a
    /// std::mt19937_64 is not thread-safe, so use one per thread or strand.
    duration delay(unsigned attempt, duration previous, std::mt19937_64& rng) const;

    /// Which formula this backoff applies.
    kind shape() const noexcept { return kind_; }
    /// The first (or constant) delay.
    duration base() const noexcept { return base_; }
    /// The longest delay returned (the constant delay for kind::constant).
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
