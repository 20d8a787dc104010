#include "progress_display.hpp"

#include <cstdio>

namespace oneai::cli {
namespace {

std::string clock_text(std::chrono::seconds s) {
    char buf[32];
    const long long t = s.count();
    if (t >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld", t / 60, t % 60);
    return buf;
}

} // namespace

std::string progress_bar(const batch_progress& p, std::optional<std::uint64_t> total,
                         std::size_t width) {
    const std::uint64_t done = p.completed + p.failed + p.skipped;
    std::string bar;
    if (total && *total > 0) {
        const std::size_t filled = static_cast<std::size_t>(
            static_cast<double>(width) * static_cast<double>(done) / static_cast<double>(*total));
        bar = "[" + std::string(std::min(filled, width), '#') +
              std::string(width - std::min(filled, width), '.') + "] ";
    }
    char buf[256];
    std::snprintf(
        buf, sizeof buf, "%llu%s  %.1f/s  ETA %s  failed %llu  in flight %llu/%zu  429s %llu",
        static_cast<unsigned long long>(done), total ? ("/" + std::to_string(*total)).c_str() : "",
        p.per_second, p.eta ? clock_text(*p.eta).c_str() : "?",
        static_cast<unsigned long long>(p.failed), static_cast<unsigned long long>(p.in_flight),
        p.limit, static_cast<unsigned long long>(p.rate_limited));
    return bar + buf;
}

std::string progress_line(const batch_progress& p, std::optional<std::uint64_t> total) {
    return "oneai batch: " + clock_text(p.elapsed) + " " + progress_bar(p, total, 0);
}

void print_summary(std::ostream& out, const batch_progress& p, const batch_summary_figures& f) {
    const std::uint64_t finished = p.completed + p.failed;
    char buf[512];
    const double seconds = std::max<double>(1e-9, static_cast<double>(p.elapsed.count()));
    std::snprintf(
        buf, sizeof buf,
        "oneai batch: %llu items in %s (%.1f/s): %llu completed, %llu failed (%llu unknown), %llu "
        "skipped\n",
        static_cast<unsigned long long>(finished), clock_text(p.elapsed).c_str(),
        p.elapsed.count() > 0 ? static_cast<double>(finished) / seconds : p.per_second,
        static_cast<unsigned long long>(p.completed), static_cast<unsigned long long>(p.failed),
        static_cast<unsigned long long>(p.unknown), static_cast<unsigned long long>(p.skipped));
    out << buf;
    auto s = [&](double q) { return static_cast<double>(f.latency_us.percentile(q)) / 1e6; };
    std::snprintf(buf, sizeof buf,
                  "  latency, submit to outcome: p50 %.2f s  p90 %.2f s  p99 %.2f s\n", s(0.5),
                  s(0.9), s(0.99));
    out << buf;
    std::snprintf(
        buf, sizeof buf,
        "  polls per task %.2f  retries %llu  429 answers %llu  final in-flight limit %zu\n",
        finished ? static_cast<double>(f.polls) / static_cast<double>(finished) : 0.0,
        static_cast<unsigned long long>(p.retries), static_cast<unsigned long long>(p.rate_limited),
        p.limit);
    out << buf;
}

} // namespace oneai::cli
