#pragma once

#include <chrono>
#include <cstdint>
#include <oneai/config.hpp>
#include <random>
#include <string>
#include <string_view>

namespace oneai::emulator {

/// How long the emulator "processes" a task: a distribution of run times plus
/// an optional cost per input word, so that tests and benchmarks can model a
/// real service (long tails, length-dependent latency) reproducibly from a
/// seed. A copyable value.
class ONEAI_API latency_model {
  public:
    /// Times are in microseconds.
    using duration = std::chrono::microseconds;
    /// The distribution drawn from.
    enum class kind : std::uint8_t {
        fixed,    ///< always the same time
        uniform,  ///< uniform between two bounds
        lognormal ///< log-normal: a median and a long tail
    };

    /// Every task takes exactly `d`.
    static latency_model fixed(duration d);
    /// Uniformly distributed in [lo, hi].
    static latency_model uniform(duration lo, duration hi);
    /// Log-normal with the given median and shape (sigma of the underlying normal).
    static latency_model lognormal(duration median, double sigma);

    /// Parses the command-line form: `fixed:200ms`, `uniform:100ms..2s`,
    /// `lognormal:2s,0.6`, each optionally followed by `+2ms/word`.
    /// Throws std::invalid_argument with a message that names the bad part.
    static latency_model parse(std::string_view spec);

    /// Adds a cost per input word on top of the drawn time.
    latency_model& with_cost_per_word(duration per_word);

    /// Draws one processing time for an input of `words` words.
    duration draw(std::mt19937_64& rng, std::size_t words) const;

    /// The command-line form of this model (round-trips through parse()).
    std::string to_string() const;

    /// The distribution drawn from.
    kind shape() const noexcept { return kind_; }

  private:
    latency_model(kind k, duration a, duration b, double sigma)
        : kind_(k), a_(a), b_(b), sigma_(sigma) {}

    kind kind_;
    duration a_;   // fixed value, uniform low bound, or lognormal median
    duration b_;   // uniform high bound
    double sigma_; // lognormal shape
    duration per_word_{0};
};

} // namespace oneai::emulator
