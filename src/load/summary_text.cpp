#include <oneai/load/summary_text.hpp>

#include <oneai/load/load_report.hpp>

#include "latency_text.hpp"

#include <cstdarg>
#include <cstdio>

namespace oneai::load {

namespace {

std::string printf_text(const char* format, ...) {
    char buf[256];
    va_list args;
    va_start(args, format);
    std::vsnprintf(buf, sizeof buf, format, args);
    va_end(args);
    return buf;
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
    return whole ? printf_text("%.2g%%",
                               100.0 * static_cast<double>(part) / static_cast<double>(whole))
                 : "0%";
}

std::string rate_line(const load_report& r) {
    const double seconds = static_cast<double>(r.duration.count()) / 1e6;
    std::string line;
    if (r.target_rate > 0) {
        line = printf_text("Rate: target %.1f/s, started %.1f/s, achieved %.1f/s over %.1fs",
                           r.target_rate, r.start_rate(), r.achieved_rate(), seconds);
        line += "; at most " + latency_text(static_cast<double>(r.max_behind_schedule.count())) +
                " behind schedule";
        // The generator fell behind when its start rate is short of the target.
        if (r.start_rate() < r.target_rate * 0.99)
            line += printf_text(" (the generator could not keep up: %.1f%% of the target started)",
                                100.0 * r.start_rate() / r.target_rate);
    } else {
        line = printf_text("Rate: closed loop at concurrency %zu, achieved %.1f/s over %.1fs",
                           r.concurrency, r.achieved_rate(), seconds);
    }
    return line + "\n";
}

std::string error_lines(const load_report& r) {
    std::string text;
    if (!r.http_statuses().empty()) {
        text += "HTTP status of errors:";
        for (const auto& [status, n] : r.http_statuses())
            text += printf_text(" %d x%llu", status, static_cast<unsigned long long>(n));
        text += "\n";
    }
    if (!r.api_errors().empty()) {
        text += "Error codes:";
        for (const auto& [code, n] : r.api_errors())
            text += " " + code + printf_text(" x%llu", static_cast<unsigned long long>(n));
        text += "\n";
    }
    return text;
}

std::string latency_row(const char* name, const latency_histogram& h) {
    if (h.empty())
        return printf_text("  %-12s %8s\n", name, "-");
    auto cell = [](std::chrono::microseconds us) {
        return latency_text(static_cast<double>(us.count()));
    };
    return printf_text("  %-12s %8llu %9s %9s %9s %9s %9s %9s\n", name,
                       static_cast<unsigned long long>(h.count()),
                       latency_text(h.mean_us()).c_str(), cell(h.percentile(0.5)).c_str(),
                       cell(h.percentile(0.9)).c_str(), cell(h.percentile(0.99)).c_str(),
                       cell(h.percentile(0.999)).c_str(), cell(h.max()).c_str());
}

} // namespace

std::string summary_text(const load_report& r) {
    std::string text;
    if (!r.label.empty())
        text += "Run: " + r.label + "\n";
    text += rate_line(r);
    text += printf_text("Tasks: %llu submitted, %llu completed, %llu failed, %llu errors",
                        static_cast<unsigned long long>(r.submitted),
                        static_cast<unsigned long long>(r.completed()),
                        static_cast<unsigned long long>(r.failed()),
                        static_cast<unsigned long long>(r.errors()));
    text += " (" + percent(r.failed() + r.errors(), r.ended()) + " not completed)";
    if (r.rate_limited())
        text += printf_text(", %llu rate-limited answers (429)",
                            static_cast<unsigned long long>(r.rate_limited()));
    text += "\n";
    text += error_lines(r);
    text += printf_text("Latency        %8s %9s %9s %9s %9s %9s %9s\n", "count", "mean", "p50",
                        "p90", "p99", "p99.9", "max");
    for (latency_kind k : all_latency_kinds)
        text += latency_row(std::string(name(k)).c_str(), r.latency(k));
    text += printf_text("Polls per task: mean %.2f, p50 %u, p90 %u, p99 %u, max %u\n",
                        r.mean_polls_per_task(), r.polls_percentile(0.5), r.polls_percentile(0.9),
                        r.polls_percentile(0.99), r.polls_percentile(1.0));
    if (!r.scheduling_lag().empty())
        text += "Generator lag: p50 " +
                latency_text(static_cast<double>(r.scheduling_lag().percentile(0.5).count())) +
                ", p99 " +
                latency_text(static_cast<double>(r.scheduling_lag().percentile(0.99).count())) +
                ", max " + latency_text(static_cast<double>(r.scheduling_lag().max().count())) +
                "\n";
    return text;
}

} // namespace oneai::load
