#pragma once

#include <oneai/config.hpp>
#include <oneai/load/latency_histogram.hpp>
#include <oneai/load/latency_kind.hpp>
#include <oneai/load/second_stats.hpp>
#include <oneai/load/task_sample.hpp>

#include <boost/system/result.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace boost::json {
class value;
}

namespace oneai::load {

/// Everything one run of the load generator measured: run-level facts,
/// counters, a histogram per latency kind, and a per-second time series.
/// Reports from several generators merge exactly, and a report round-trips
/// through JSON (the schema is in README.md, "oneai bench report schema"). A
/// plain value; not thread-safe.
class ONEAI_API load_report {
  public:
    /// The "schema_version" written by to_json and the only one from_json reads.
    static constexpr int schema_version = 1;

    // Run-level facts, set by the generator.
    std::string label;                                ///< free text: command line, host
    double target_rate = 0;                           ///< tasks/s; 0 in closed loop
    std::size_t concurrency = 0;                      ///< closed loop; 0 in open loop
    std::chrono::microseconds duration{0};            ///< the measured phase, warm-up excluded
    std::chrono::microseconds max_behind_schedule{0}; ///< open loop: worst start lag
    std::uint64_t submitted = 0;                      ///< tasks started in the measured phase

    /// Adds one task to the histograms, counters and the time series (in the
    /// second its intended start plus its end to end falls in).
    void record(const task_sample& s);
    /// A sample of the tasks in flight at `at` (from the start of the measured
    /// phase); a second keeps its largest sample.
    void record_in_flight(std::chrono::microseconds at, std::size_t in_flight);
    /// 429 answers to polls: counted for the run, in rate_limited(), and in
    /// no task (the poll scheduler counts them in total, not per task).
    void add_poll_rate_limits(std::uint64_t n) noexcept { rate_limited_ += n; }
    /// The generator's own lag behind its schedule, kept as a histogram.
    void record_scheduling_lag(std::chrono::microseconds lag);
    /// Adds another generator's report: counters, histograms and the series
    /// (aligned by second) add exactly; target rates, concurrencies and
    /// submitted add; the duration and max_behind_schedule are the largest;
    /// labels are joined with "; ".
    void merge(const load_report& other);

    /// Tasks that ended (completed or failed) per second of the duration.
    double achieved_rate() const;
    /// Tasks started per second of the duration (open loop: compare with target_rate).
    double start_rate() const;

    /// Tasks that ended COMPLETED.
    std::uint64_t completed() const noexcept { return completed_; }
    /// Tasks that ended FAILED on the service.
    std::uint64_t failed() const noexcept { return failed_; }
    /// Tasks left without a result by a transport, HTTP or deadline error.
    std::uint64_t errors() const noexcept { return errors_; }
    /// completed + failed + errors.
    std::uint64_t ended() const noexcept { return completed_ + failed_ + errors_; }
    /// Status requests made, all tasks together.
    std::uint64_t polls() const noexcept { return polls_; }
    /// 429 answers met, on submits and polls.
    std::uint64_t rate_limited() const noexcept { return rate_limited_; }
    /// HTTP status of the errors -> tasks.
    const std::map<int, std::uint64_t>& http_statuses() const noexcept { return http_statuses_; }
    /// API error code (or errc name) -> tasks.
    const std::map<std::string, std::uint64_t>& api_errors() const noexcept { return api_errors_; }
    /// Polls a task took -> tasks (exact).
    const std::map<unsigned, std::uint64_t>& polls_per_task() const noexcept {
        return polls_per_task_;
    }
    /// The mean of polls_per_task; 0 without tasks.
    double mean_polls_per_task() const noexcept;
    /// The smallest number of polls at least a fraction q of the tasks took or fewer.
    unsigned polls_percentile(double q) const noexcept;

    /// The histogram of one latency kind over the measured tasks.
    const latency_histogram& latency(latency_kind k) const noexcept {
        return latencies_[static_cast<std::size_t>(k)];
    }
    /// The generator's own lag behind its schedule (record_scheduling_lag()).
    const latency_histogram& scheduling_lag() const noexcept { return scheduling_lag_; }
    /// One entry per second from the start of the measured phase.
    const std::vector<second_stats>& series() const noexcept { return series_; }

    /// The report as JSON (schema_version 1, see README.md). Needs
    /// <boost/json/value.hpp> to use.
    boost::json::value to_json() const;
    /// Reads what to_json wrote. Never throws: on bad or inconsistent
    /// input the result holds errc::bad_response and, when `why` is given, it
    /// says what was wrong ("latency_ms.run.histogram: ...").
    static boost::system::result<load_report> from_json(const boost::json::value& v,
                                                        std::string* why = nullptr);
    /// Parses JSON text then from_json; `why` also covers a JSON syntax error.
    static boost::system::result<load_report> from_json_text(std::string_view text,
                                                             std::string* why = nullptr);

    /// Every fact, counter, histogram and second the same.
    friend bool operator==(const load_report&, const load_report&) = default;

  private:
    second_stats& second_at(std::chrono::microseconds at);

    std::uint64_t completed_ = 0;
    std::uint64_t failed_ = 0;
    std::uint64_t errors_ = 0;
    std::uint64_t polls_ = 0;
    std::uint64_t rate_limited_ = 0;
    std::map<int, std::uint64_t> http_statuses_;
    std::map<std::string, std::uint64_t> api_errors_;
    std::map<unsigned, std::uint64_t> polls_per_task_;
    std::array<latency_histogram, all_latency_kinds.size()> latencies_{};
    latency_histogram scheduling_lag_;
    std::vector<second_stats> series_;
};

} // namespace oneai::load
