#pragma once

#include <oneai/config.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace oneai::load {

class load_report;

/// A pass/fail condition on a load report, as `--fail-if` takes it:
///
///     p99<2s  submit.p50<=300ms  run.max<10s  end_to_end.mean<1s  lag.p99<1ms
///     errors<0.1%  errors<5  error_rate<0.001  failed<1%  failure_rate<0.01
///     rate>=100  rate>=99%  behind<100ms  polls.mean<3  polls.p99<=5
///
/// A latency metric is [kind.]stat: kind one of end_to_end (the default),
/// submit, queue, run, detection or lag (the generator's scheduling lag); stat
/// p50, p90, p99, p99.9 (also p999), any pN, mean, min or max. Its limit needs
/// a unit: us, ms, s, m or h. errors and failed are counts, or with '%' shares
/// of the tasks that ended; error_rate and failure_rate are those shares as
/// fractions. rate is the achieved rate in tasks/s, or with '%' a share of the
/// target rate. behind is how far the open loop fell behind its schedule.
class ONEAI_API threshold {
  public:
    /// The outcome of checking one threshold against one report.
    struct verdict {
        bool passed = false; ///< the report meets the condition
        double measured = 0; ///< in the unit of the limit (us for latencies, 0..1 for shares)
        /// "p99<2s: 1.234s, passed" / "errors<0.1%: 0.52%, FAILED".
        std::string description;
    };

    /// Parses one expression; nullopt with `why` set ("unknown metric 'p99x' in
    /// 'p99x<2s' (known: ...)") when it is not one.
    static std::optional<threshold> parse(std::string_view text, std::string& why);

    /// Measures the metric in `report` and compares it with the limit.
    verdict evaluate(const load_report& report) const;

    /// The expression as written.
    const std::string& text() const noexcept { return text_; }

    /// The comparison written between the metric and its limit.
    enum class comparison {
        less,            ///< `<`
        less_or_equal,   ///< `<=`
        greater,         ///< `>`
        greater_or_equal ///< `>=`
    };
    /// What a threshold measures.
    enum class quantity {
        latency,      ///< a latency statistic, in us
        error_count,  ///< tasks that ended with an error
        error_share,  ///< the same, as a share of the tasks that ended
        failed_count, ///< tasks that ended FAILED
        failed_share, ///< the same, as a share of the tasks that ended
        rate,         ///< achieved tasks/s
        rate_share,   ///< achieved rate / target rate
        behind,       ///< max_behind_schedule, in us
        polls,        ///< a statistic of polls per task
    };

  private:
    double measure(const load_report& report) const;
    std::string format(double value) const;

    std::string text_;
    quantity quantity_ = quantity::latency;
    comparison comparison_ = comparison::less;
    double limit_ = 0;
    // For latency and polls: which histogram (a latency_kind, or -1 for the
    // scheduling lag) and which statistic (q in [0, 1], or -1 for the mean).
    int source_ = 0;
    double statistic_ = 0.99;
    bool percent_ = false; // the limit was written with '%'
};

} // namespace oneai::load
