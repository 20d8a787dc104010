// threshold: --fail-if expressions parsed, with clear errors, and evaluated
// against a report.

#include <oneai/load/load_report.hpp>
#include <oneai/load/threshold.hpp>

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using oneai::load::load_report;
using oneai::load::task_outcome;
using oneai::load::task_sample;
using oneai::load::threshold;

namespace {

/// 1000 tasks over 10 s at a target of 100/s: end to end i ms for task i
/// (1..1000 ms), submit 5 ms, 2 polls each; tasks 1..4 end with errors and
/// task 5 FAILED, max 40 ms behind schedule.
load_report sample_report() {
    load_report r;
    r.target_rate = 100;
    r.duration = 10s;
    r.submitted = 1000;
    r.max_behind_schedule = 40ms;
    for (int i = 1; i <= 1000; ++i) {
        task_sample s;
        s.intended_start = std::chrono::milliseconds(i * 10);
        s.end_to_end = std::chrono::milliseconds(i);
        s.submit = 5ms;
        s.polls = 2;
        if (i <= 4)
            s.outcome = task_outcome::error;
        else if (i == 5)
            s.outcome = task_outcome::failed;
        r.record(s);
    }
    return r;
}

threshold parse(std::string_view text) {
    std::string why;
    auto t = threshold::parse(text, why);
    EXPECT_TRUE(t) << text << ": " << why;
    return t ? *t : *threshold::parse("p99<1h", why);
}

bool passes(std::string_view text) {
    return parse(text).evaluate(sample_report()).passed;
}

std::string parse_error(std::string_view text) {
    std::string why;
    EXPECT_FALSE(threshold::parse(text, why)) << text;
    return why;
}

} // namespace

TEST(Threshold, LatencyPercentilesDefaultToEndToEnd) {
    // p99 of 1..1000 ms is 990 ms, p50 500 ms, max 1 s.
    EXPECT_TRUE(passes("p99<2s"));
    EXPECT_TRUE(passes("p99<995ms"));
    EXPECT_FALSE(passes("p99<985ms"));
    EXPECT_TRUE(passes("p50<=505ms"));
    EXPECT_FALSE(passes("p50<=495ms"));
    EXPECT_TRUE(passes("end_to_end.p99.9<1001ms"));
    EXPECT_TRUE(passes("p999 > 990ms"));
    EXPECT_FALSE(passes("max<1s"));
    EXPECT_TRUE(passes("max<=1s"));
    EXPECT_TRUE(passes("mean<=500.5ms"));
    EXPECT_FALSE(passes("mean<500ms"));
    EXPECT_TRUE(passes("min>=1ms"));
}

TEST(Threshold, NamedLatencyKinds) {
    EXPECT_TRUE(passes("submit.p99<6ms"));
    EXPECT_FALSE(passes("submit.p99<4ms"));
    // Nothing recorded for queue: a threshold on it fails rather than passes unseen.
    const auto v = parse("queue.p99<1s").evaluate(sample_report());
    EXPECT_FALSE(v.passed);
    EXPECT_NE(v.description.find("nothing measured"), std::string::npos) << v.description;
}

TEST(Threshold, ErrorsAsCountsSharesAndRates) {
    // 4 errors and 1 failure among 1000 ended tasks.
    EXPECT_TRUE(passes("errors<5"));
    EXPECT_FALSE(passes("errors<4"));
    EXPECT_TRUE(passes("errors<0.5%"));
    EXPECT_FALSE(passes("errors<0.1%"));
    EXPECT_TRUE(passes("error_rate<=0.004"));
    EXPECT_FALSE(passes("error_rate<0.001"));
    EXPECT_TRUE(passes("failed<=1"));
    EXPECT_FALSE(passes("failure_rate<0.1%"));
    const auto v = parse("errors<0.1%").evaluate(sample_report());
    EXPECT_DOUBLE_EQ(v.measured, 0.004);
    EXPECT_EQ(v.description, "errors<0.1%: 0.4%, FAILED");
}

TEST(Threshold, RateBehindAndPolls) {
    // 996 tasks ended (completed or failed) in 10 s: 99.6/s.
    EXPECT_TRUE(passes("rate>=99"));
    EXPECT_FALSE(passes("rate>=100"));
    EXPECT_TRUE(passes("rate>99%"));
    EXPECT_FALSE(passes("rate>=99.9%"));
    EXPECT_TRUE(passes("behind<100ms"));
    EXPECT_FALSE(passes("behind<10ms"));
    EXPECT_TRUE(passes("polls.mean<=2"));
    EXPECT_FALSE(passes("polls.p99<2"));
    EXPECT_TRUE(passes("polls_per_task<3"));
}

TEST(Threshold, DescriptionGivesTheMeasuredValue) {
    const auto v = parse("p99<2s").evaluate(sample_report());
    EXPECT_TRUE(v.passed);
    EXPECT_NEAR(v.measured, 990e3, 990e3 * 0.01);
    EXPECT_EQ(v.description.rfind("p99<2s: ", 0), 0u) << v.description;
    EXPECT_NE(v.description.find("ms, passed"), std::string::npos) << v.description;
}

TEST(Threshold, ParseErrorsAreClear) {
    EXPECT_NE(parse_error("p99").find("expected a comparison"), std::string::npos);
    EXPECT_NE(parse_error("p99=2s").find("must be <, <=, > or >="), std::string::npos);
    EXPECT_NE(parse_error("p99x<2s").find("unknown metric 'p99x'"), std::string::npos);
    EXPECT_NE(parse_error("latency.p99<2s").find("unknown metric"), std::string::npos);
    EXPECT_NE(parse_error("p99<2").find("expected a unit"), std::string::npos);
    EXPECT_NE(parse_error("p99<").find("no limit"), std::string::npos);
    EXPECT_NE(parse_error("<2s").find("no metric"), std::string::npos);
    EXPECT_NE(parse_error("p99<5%").find("take a percentage"), std::string::npos);
    EXPECT_NE(parse_error("errors<lots").find("a count (5) or a percentage"), std::string::npos);
    EXPECT_NE(parse_error("errors<-1").find("a count"), std::string::npos);
    EXPECT_EQ(parse_error("p99x<2s").rfind("bad threshold 'p99x<2s': ", 0), 0u);
}

TEST(Threshold, RateShareNeedsATarget) {
    load_report closed_loop = sample_report();
    closed_loop.target_rate = 0;
    const auto v = parse("rate>=99%").evaluate(closed_loop);
    EXPECT_FALSE(v.passed);
    EXPECT_NE(v.description.find("no target rate"), std::string::npos) << v.description;
}
