#include <oneai/load/load_report.hpp>

#include <algorithm>
#include <cmath>

namespace oneai::load {

namespace {

double per_second(std::uint64_t n, std::chrono::microseconds duration) {
    return duration.count() > 0
               ? static_cast<double>(n) * 1e6 / static_cast<double>(duration.count())
               : 0.0;
}

template <class Map>
void add_counts(Map& into, const Map& from) {
    for (const auto& [key, n] : from)
        into[key] += n;
}

} // namespace

second_stats& load_report::second_at(std::chrono::microseconds at) {
    const auto index = static_cast<std::size_t>(
        std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::seconds>(at).count()));
    if (series_.size() <= index)
        series_.resize(index + 1);
    return series_[index];
}

void load_report::record(const task_sample& s) {
    second_stats& second = second_at(s.intended_start + s.end_to_end);
    switch (s.outcome) {
    case task_outcome::completed:
        ++completed_;
        ++second.completed;
        break;
    case task_outcome::failed:
        ++failed_;
        ++second.failed;
        break;
    case task_outcome::error:
        ++errors_;
        ++second.errors;
        break;
    }
    second.end_to_end.record(s.end_to_end);
    latencies_[static_cast<std::size_t>(latency_kind::end_to_end)].record(s.end_to_end);
    const std::array parts{
        std::pair{latency_kind::submit, s.submit}, std::pair{latency_kind::queue, s.queue},
        std::pair{latency_kind::run, s.run}, std::pair{latency_kind::detection, s.detection}};
    for (const auto& [kind, value] : parts)
        if (value)
            latencies_[static_cast<std::size_t>(kind)].record(*value);
    polls_ += s.polls;
    ++polls_per_task_[s.polls];
    rate_limited_ += s.rate_limited;
    if (s.http_status != 0)
        ++http_statuses_[s.http_status];
    if (!s.api_error.empty())
        ++api_errors_[s.api_error];
}

void load_report::record_in_flight(std::chrono::microseconds at, std::size_t in_flight) {
    second_stats& second = second_at(at);
    second.in_flight = std::max(second.in_flight, in_flight);
}

void load_report::record_scheduling_lag(std::chrono::microseconds lag) {
    scheduling_lag_.record(lag);
}

void load_report::merge(const load_report& other) {
    if (label.empty())
        label = other.label;
    else if (!other.label.empty() && other.label != label)
        label += "; " + other.label;
    target_rate += other.target_rate;
    concurrency += other.concurrency;
    duration = std::max(duration, other.duration);
    max_behind_schedule = std::max(max_behind_schedule, other.max_behind_schedule);
    submitted += other.submitted;

    completed_ += other.completed_;
    failed_ += other.failed_;
    errors_ += other.errors_;
    polls_ += other.polls_;
    rate_limited_ += other.rate_limited_;
    add_counts(http_statuses_, other.http_statuses_);
    add_counts(api_errors_, other.api_errors_);
    add_counts(polls_per_task_, other.polls_per_task_);
    for (std::size_t k = 0; k < latencies_.size(); ++k)
        latencies_[k].merge(other.latencies_[k]);
    scheduling_lag_.merge(other.scheduling_lag_);
    if (series_.size() < other.series_.size())
        series_.resize(other.series_.size());
    for (std::size_t i = 0; i < other.series_.size(); ++i) {
        second_stats& mine = series_[i];
        const second_stats& theirs = other.series_[i];
        mine.completed += theirs.completed;
        mine.failed += theirs.failed;
        mine.errors += theirs.errors;
        mine.in_flight += theirs.in_flight;
        mine.end_to_end.merge(theirs.end_to_end);
    }
}

double load_report::achieved_rate() const {
    return per_second(completed_ + failed_, duration);
}

double load_report::start_rate() const {
    return per_second(submitted, duration);
}

double load_report::mean_polls_per_task() const noexcept {
    std::uint64_t tasks = 0;
    for (const auto& [polls, n] : polls_per_task_)
        tasks += n;
    return tasks ? static_cast<double>(polls_) / static_cast<double>(tasks) : 0.0;
}

unsigned load_report::polls_percentile(double q) const noexcept {
    std::uint64_t tasks = 0;
    for (const auto& [polls, n] : polls_per_task_)
        tasks += n;
    if (tasks == 0)
        return 0;
    const auto rank =
        std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(
                                       std::clamp(q, 0.0, 1.0) * static_cast<double>(tasks))));
    std::uint64_t seen = 0;
    for (const auto& [polls, n] : polls_per_task_) {
        seen += n;
        if (seen >= rank)
            return polls;
    }
    return polls_per_task_.rbegin()->first;
}

} // namespace oneai::load
