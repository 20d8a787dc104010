// summary_text: what a finished bench run prints.

#include <oneai/load/load_report.hpp>
#include <oneai/load/summary_text.hpp>

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using oneai::load::load_report;
using oneai::load::summary_text;
using oneai::load::task_outcome;
using oneai::load::task_sample;

namespace {

bool has(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

load_report open_loop_report() {
    load_report r;
    r.label = "oneai bench --rate 100";
    r.target_rate = 100;
    r.duration = 10s;
    r.submitted = 800; // fell behind: 80/s started
    r.max_behind_schedule = 2500ms;
    for (int i = 1; i <= 800; ++i) {
        task_sample s;
        s.end_to_end = std::chrono::milliseconds(i);
        s.submit = 4ms;
        s.run = 300ms;
        s.polls = 3;
        if (i == 1) {
            s.outcome = task_outcome::error;
            s.http_status = 503;
            s.api_error = "server_unavailable";
            s.rate_limited = 2;
        }
        r.record(s);
    }
    r.record_scheduling_lag(20us);
    return r;
}

} // namespace

TEST(SummaryText, GivesRatesAndHowFarBehind) {
    const std::string text = summary_text(open_loop_report());
    EXPECT_TRUE(has(text, "Run: oneai bench --rate 100\n")) << text;
    EXPECT_TRUE(has(text, "Rate: target 100.0/s, started 80.0/s, achieved 79.9/s over 10.0s; at "
                          "most 2.500s behind schedule"))
        << text;
    EXPECT_TRUE(has(text, "could not keep up: 80.0% of the target started")) << text;
}

TEST(SummaryText, GivesCountsErrorsAndPolls) {
    const std::string text = summary_text(open_loop_report());
    EXPECT_TRUE(has(text, "Tasks: 800 submitted, 799 completed, 0 failed, 1 errors (0.12% not "
                          "completed), 2 rate-limited answers (429)\n"))
        << text;
    EXPECT_TRUE(has(text, "HTTP status of errors: 503 x1\n")) << text;
    EXPECT_TRUE(has(text, "Error codes: server_unavailable x1\n")) << text;
    EXPECT_TRUE(has(text, "Polls per task: mean 3.00, p50 3, p90 3, p99 3, max 3\n")) << text;
    EXPECT_TRUE(has(text, "Generator lag: p50 20us, p99 20us, max 20us\n")) << text;
}

TEST(SummaryText, HasAPercentileRowPerLatencyKind) {
    const std::string text = summary_text(open_loop_report());
    EXPECT_TRUE(has(text, "p50")) << text;
    EXPECT_TRUE(has(text, "p99.9")) << text;
    // end to end is i ms for i in 1..800: p50 400 ms, max 800 ms.
    EXPECT_TRUE(has(text, "  end_to_end        800")) << text;
    EXPECT_TRUE(has(text, "400.")) << text;
    EXPECT_TRUE(has(text, "800.0ms\n")) << text;
    EXPECT_TRUE(has(text, "  run               800")) << text;
    // Nothing recorded for queue: a dash, not zeros.
    EXPECT_TRUE(has(text, "  queue               -\n")) << text;
}

TEST(SummaryText, ClosedLoopGivesTheConcurrency) {
    load_report r;
    r.concurrency = 64;
    r.duration = 2s;
    const std::string text = summary_text(r);
    EXPECT_TRUE(has(text, "Rate: closed loop at concurrency 64, achieved 0.0/s over 2.0s\n"))
        << text;
    EXPECT_FALSE(has(text, "behind")) << text;
}
