#include <oneai/load/threshold.hpp>

#include <oneai/load/load_report.hpp>

#include "common/duration_text.hpp"
#include "latency_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace oneai::load {

namespace {

constexpr int scheduling_lag_source = -1;
constexpr double mean_statistic = -1;

const char* known_metrics =
    "[end_to_end|submit|queue|run|detection|lag.]p50|p90|p99|p99.9|pN|mean|min|max, errors, "
    "error_rate, failed, failure_rate, rate, behind, polls.<stat>";

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::optional<double> parse_number(std::string_view s) {
    double value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(value) || value < 0)
        return std::nullopt;
    return value;
}

/// "p99" -> 0.99, "p999" and "p99.9" -> 0.999, "p5" -> 0.05, "mean" -> -1,
/// "min" -> 0, "max" and "p100" -> 1.
std::optional<double> parse_statistic(std::string_view stat) {
    if (stat == "mean")
        return mean_statistic;
    if (stat == "min")
        return 0.0;
    if (stat == "max" || stat == "p100")
        return 1.0;
    if (stat.size() < 2 || stat.front() != 'p')
        return std::nullopt;
    const std::string_view digits = stat.substr(1);
    if (digits.find('.') != std::string_view::npos) {
        auto percent = parse_number(digits);
        if (!percent || *percent <= 0 || *percent >= 100)
            return std::nullopt;
        return *percent / 100;
    }
    for (char c : digits)
        if (c < '0' || c > '9')
            return std::nullopt;
    // One digit is a percent (p5 = 5%); more are the digits after "0." as
    // in p50, p90, p999, p9999.
    const double value = *parse_number(digits);
    if (value == 0)
        return std::nullopt;
    return digits.size() == 1 ? value / 100
                              : value / std::pow(10.0, static_cast<double>(digits.size()));
}

std::string format_number(double value, const char* format) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

} // namespace

std::optional<threshold> threshold::parse(std::string_view text, std::string& why) {
    threshold t;
    t.text_ = std::string(trim(text));
    auto fail = [&](const std::string& reason) -> std::optional<threshold> {
        why = "bad threshold '" + t.text_ + "': " + reason;
        return std::nullopt;
    };
    const std::size_t op = t.text_.find_first_of("<>=!");
    if (op == std::string::npos)
        return fail("expected a comparison such as p99<2s, errors<0.1% or rate>=100");
    const std::string_view all(t.text_);
    const std::string_view metric = trim(all.substr(0, op));
    std::string_view rest = all.substr(op);
    if (rest.starts_with("<=")) {
        t.comparison_ = comparison::less_or_equal;
        rest.remove_prefix(2);
    } else if (rest.starts_with(">=")) {
        t.comparison_ = comparison::greater_or_equal;
        rest.remove_prefix(2);
    } else if (rest.starts_with("<")) {
        t.comparison_ = comparison::less;
        rest.remove_prefix(1);
    } else if (rest.starts_with(">")) {
        t.comparison_ = comparison::greater;
        rest.remove_prefix(1);
    } else {
        return fail("the comparison must be <, <=, > or >=");
    }
    std::string_view value = trim(rest);
    if (metric.empty())
        return fail("no metric before the comparison");
    if (value.empty())
        return fail("no limit after the comparison");
    t.percent_ = value.ends_with('%');
    if (t.percent_)
        value = trim(value.substr(0, value.size() - 1));

    auto plain_limit = [&](double scale) -> bool {
        auto n = parse_number(value);
        if (!n)
            return false;
        t.limit_ = *n * scale;
        return true;
    };
    const double share_scale = t.percent_ ? 0.01 : 1.0;

    if (metric == "errors" || metric == "failed") {
        const bool errors = metric == "errors";
        t.quantity_ = t.percent_ ? (errors ? quantity::error_share : quantity::failed_share)
                                 : (errors ? quantity::error_count : quantity::failed_count);
        if (!plain_limit(share_scale))
            return fail("the limit must be a count (5) or a percentage (0.1%)");
        return t;
    }
    if (metric == "error_rate" || metric == "failure_rate") {
        t.quantity_ = metric == "error_rate" ? quantity::error_share : quantity::failed_share;
        if (!plain_limit(share_scale))
            return fail("the limit must be a fraction (0.001) or a percentage (0.1%)");
        return t;
    }
    if (metric == "rate" || metric == "achieved_rate") {
        t.quantity_ = t.percent_ ? quantity::rate_share : quantity::rate;
        if (!plain_limit(share_scale))
            return fail("the limit must be tasks/s (100) or a share of --rate (99%)");
        return t;
    }
    if (t.percent_)
        return fail("only errors, failed, error_rate, failure_rate and rate take a percentage");
    if (metric == "behind" || metric == "max_behind_schedule") {
        t.quantity_ = quantity::behind;
        try {
            t.limit_ = static_cast<double>(common::parse_duration(value).count());
        } catch (const std::invalid_argument& e) {
            return fail(e.what());
        }
        return t;
    }

    const std::size_t dot = metric.find('.');
    // "p99.9" is a statistic alone, "submit.p99.9" a kind and a statistic.
    const auto is_percentile = [](std::string_view head) {
        return head.size() >= 2 && head.front() == 'p' &&
               head.find_first_not_of("0123456789", 1) == std::string_view::npos;
    };
    const bool has_kind = dot != std::string_view::npos && !is_percentile(metric.substr(0, dot));
    const std::string_view kind = has_kind ? metric.substr(0, dot) : "end_to_end";
    const std::string_view stat = has_kind ? metric.substr(dot + 1) : metric;
    if (metric == "polls_per_task" || kind == "polls") {
        t.quantity_ = quantity::polls;
        auto s = parse_statistic(metric == "polls_per_task" ? "mean" : stat);
        if (!s)
            return fail("unknown statistic '" + std::string(stat) + "' (p50, p99, mean, max, ...)");
        t.statistic_ = *s;
        if (!plain_limit(1.0))
            return fail("the limit must be a number of polls");
        return t;
    }
    t.quantity_ = quantity::latency;
    if (kind == "lag" || kind == "scheduling_lag")
        t.source_ = scheduling_lag_source;
    else if (auto k = latency_kind_named(kind))
        t.source_ = static_cast<int>(*k);
    else
        return fail("unknown metric '" + std::string(metric) + "' (known: " + known_metrics + ")");
    auto s = parse_statistic(stat);
    if (!s)
        return fail("unknown metric '" + std::string(metric) + "' (known: " + known_metrics + ")");
    t.statistic_ = *s;
    try {
        t.limit_ = static_cast<double>(common::parse_duration(value).count());
    } catch (const std::invalid_argument& e) {
        return fail(e.what());
    }
    return t;
}

double threshold::measure(const load_report& report) const {
    constexpr double unknown = std::numeric_limits<double>::quiet_NaN();
    const auto share = [&](std::uint64_t n) {
        return report.ended() ? static_cast<double>(n) / static_cast<double>(report.ended())
                              : unknown;
    };
    switch (quantity_) {
    case quantity::latency: {
        const latency_histogram& h = source_ == scheduling_lag_source
                                         ? report.scheduling_lag()
                                         : report.latency(static_cast<latency_kind>(source_));
        if (h.empty())
            return unknown;
        return statistic_ == mean_statistic ? h.mean_us()
                                            : static_cast<double>(h.percentile(statistic_).count());
    }
    case quantity::error_count:
        return static_cast<double>(report.errors());
    case quantity::error_share:
        return share(report.errors());
    case quantity::failed_count:
        return static_cast<double>(report.failed());
    case quantity::failed_share:
        return share(report.failed());
    case quantity::rate:
        return report.duration.count() > 0 ? report.achieved_rate() : unknown;
    case quantity::rate_share:
        return report.target_rate > 0 && report.duration.count() > 0
                   ? report.achieved_rate() / report.target_rate
                   : unknown;
    case quantity::behind:
        return static_cast<double>(report.max_behind_schedule.count());
    case quantity::polls:
        if (report.polls_per_task().empty())
            return unknown;
        return statistic_ == mean_statistic
                   ? report.mean_polls_per_task()
                   : static_cast<double>(report.polls_percentile(statistic_));
    }
    return unknown;
}

std::string threshold::format(double value) const {
    switch (quantity_) {
    case quantity::latency:
    case quantity::behind:
        return latency_text(value);
    case quantity::error_share:
    case quantity::failed_share:
    case quantity::rate_share:
        return percent_ ? format_number(value * 100, "%.3g%%") : format_number(value, "%.3g");
    case quantity::rate:
        return format_number(value, "%.1f/s");
    case quantity::error_count:
    case quantity::failed_count:
        return format_number(value, "%.0f");
    case quantity::polls:
        return format_number(value, "%.2f");
    }
    return format_number(value, "%g");
}

threshold::verdict threshold::evaluate(const load_report& report) const {
    verdict v;
    v.measured = measure(report);
    if (std::isnan(v.measured)) {
        v.passed = false;
        const char* reason = quantity_ == quantity::rate_share ? "no target rate to compare with"
                                                               : "nothing measured";
        v.description = text_ + ": " + reason + ", FAILED";
        return v;
    }
    switch (comparison_) {
    case comparison::less:
        v.passed = v.measured < limit_;
        break;
    case comparison::less_or_equal:
        v.passed = v.measured <= limit_;
        break;
    case comparison::greater:
        v.passed = v.measured > limit_;
        break;
    case comparison::greater_or_equal:
        v.passed = v.measured >= limit_;
        break;
    }
    v.description = text_ + ": " + format(v.measured) + (v.passed ? ", passed" : ", FAILED");
    return v;
}

} // namespace oneai::load
