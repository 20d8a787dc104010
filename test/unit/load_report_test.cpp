// load_report: recording, exact merge, and the JSON round trip with clear errors.

#include <oneai/error.hpp>
#include <oneai/load/load_report.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <random>

using namespace std::chrono_literals;
using oneai::load::latency_kind;
using oneai::load::load_report;
using oneai::load::task_outcome;
using oneai::load::task_sample;
using std::chrono::microseconds;

namespace {

/// A task of a steady 100 tasks/s run: the i-th starts at i * 10 ms.
task_sample sample(int i, std::mt19937_64& random) {
    std::lognormal_distribution<double> run(std::log(150e3), 0.6);
    task_sample s;
    s.intended_start = microseconds(i * 10'000);
    s.submit = microseconds(2'000 + i % 700);
    s.queue = microseconds(i % 5 == 0 ? 30'000 : 0);
    s.run = microseconds(std::llround(run(random)));
    s.detection = microseconds(5'000 + i % 3'000);
    s.end_to_end = *s.submit + *s.queue + *s.run + *s.detection;
    s.polls = 1 + static_cast<unsigned>(i % 4);
    if (i % 97 == 0) {
        s.outcome = task_outcome::error;
        s.http_status = 503;
        s.api_error = "server_unavailable";
        s.queue = s.run = s.detection = std::nullopt;
    } else if (i % 89 == 0) {
        s.outcome = task_outcome::failed;
        s.api_error = "SKILL_FAILED";
    }
    s.rate_limited = i % 50 == 0 ? 1 : 0;
    return s;
}

load_report run_of(int first, int last, std::mt19937_64& random) {
    load_report r;
    r.label = "test";
    r.target_rate = 100;
    r.duration = 10s;
    for (int i = first; i < last; ++i) {
        r.record(sample(i, random));
        r.record_in_flight(microseconds(i * 10'000), static_cast<std::size_t>(i % 20));
        r.record_scheduling_lag(microseconds(i % 13));
    }
    r.submitted = static_cast<std::uint64_t>(last - first);
    return r;
}

} // namespace

TEST(LoadReport, CountsOutcomesPollsAndErrors) {
    std::mt19937_64 random(1);
    load_report r = run_of(0, 1000, random);
    EXPECT_EQ(r.ended(), 1000u);
    EXPECT_EQ(r.errors(), 11u); // 0, 97, ..., 970
    EXPECT_EQ(r.failed(), 11u); // multiples of 89 that are not of 97: 89..979 (11)
    EXPECT_EQ(r.completed(), 1000u - 22u);
    EXPECT_EQ(r.http_statuses().at(503), 11u);
    EXPECT_EQ(r.api_errors().at("server_unavailable"), 11u);
    EXPECT_EQ(r.api_errors().at("SKILL_FAILED"), 11u);
    EXPECT_EQ(r.rate_limited(), 20u);
    EXPECT_EQ(r.polls(), 250u * (1 + 2 + 3 + 4));
    EXPECT_DOUBLE_EQ(r.mean_polls_per_task(), 2.5);
    EXPECT_EQ(r.polls_percentile(0.5), 2u);
    EXPECT_EQ(r.polls_percentile(1.0), 4u);
    EXPECT_EQ(r.latency(latency_kind::end_to_end).count(), 1000u);
    EXPECT_EQ(r.latency(latency_kind::run).count(), 1000u - 11u);
    EXPECT_EQ(r.latency(latency_kind::submit).count(), 1000u);
    EXPECT_EQ(r.scheduling_lag().count(), 1000u);
    EXPECT_DOUBLE_EQ(r.achieved_rate(), 98.9);
    EXPECT_DOUBLE_EQ(r.start_rate(), 100.0);
}

TEST(LoadReport, SeriesPutsEachTaskInTheSecondItEnded) {
    load_report r;
    task_sample s;
    s.intended_start = 900ms;
    s.end_to_end = 300ms; // ends at 1.2 s
    r.record(s);
    s.intended_start = 2500ms;
    s.end_to_end = 100ms;
    s.outcome = task_outcome::error;
    r.record(s);
    r.record_in_flight(1500ms, 4);
    r.record_in_flight(1700ms, 9);
    r.record_in_flight(1900ms, 2);
    ASSERT_EQ(r.series().size(), 3u);
    EXPECT_EQ(r.series()[0].ended(), 0u);
    EXPECT_EQ(r.series()[1].completed, 1u);
    EXPECT_EQ(r.series()[1].in_flight, 9u);
    EXPECT_EQ(r.series()[1].end_to_end.percentile(0.99), 300ms);
    EXPECT_EQ(r.series()[2].errors, 1u);
}

TEST(LoadReport, MergeOfPartsEqualsTheWhole) {
    std::mt19937_64 a(5);
    std::mt19937_64 b(5);
    load_report whole = run_of(0, 1000, a);
    load_report first = run_of(0, 400, b);
    load_report second = run_of(400, 1000, b);
    first.merge(second);
    EXPECT_EQ(first.ended(), whole.ended());
    EXPECT_EQ(first.submitted, whole.submitted);
    for (auto k : oneai::load::all_latency_kinds)
        EXPECT_EQ(first.latency(k), whole.latency(k)) << name(k);
    EXPECT_EQ(first.polls_per_task(), whole.polls_per_task());
    EXPECT_EQ(first.http_statuses(), whole.http_statuses());
    EXPECT_EQ(first.api_errors(), whole.api_errors());
    ASSERT_EQ(first.series().size(), whole.series().size());
    for (std::size_t i = 0; i < whole.series().size(); ++i)
        EXPECT_EQ(first.series()[i].end_to_end, whole.series()[i].end_to_end) << i;
    // Two generators at 100/s each offered 200/s.
    EXPECT_DOUBLE_EQ(first.target_rate, 200.0);
}

TEST(LoadReport, RoundTripsThroughJson) {
    std::mt19937_64 random(9);
    load_report r = run_of(0, 700, random);
    r.max_behind_schedule = 1234us;
    const std::string text = boost::json::serialize(r.to_json());
    std::string why;
    auto back = load_report::from_json_text(text, &why);
    ASSERT_TRUE(back) << why;
    EXPECT_EQ(*back, r);
}

TEST(LoadReport, JsonHasTheDocumentedFields) {
    std::mt19937_64 random(9);
    const boost::json::value v = run_of(0, 300, random).to_json();
    EXPECT_EQ(v.at("schema_version").as_int64(), 1);
    EXPECT_EQ(v.at("target_rate").as_double(), 100.0);
    EXPECT_TRUE(v.at("achieved_rate").is_double());
    for (const char* k : {"submitted", "completed", "failed", "errors"})
        EXPECT_TRUE(v.at("tasks").as_object().contains(k)) << k;
    EXPECT_TRUE(v.at("polls_per_task").at("mean").is_double());
    for (const char* kind : {"end_to_end", "submit", "queue", "run", "detection"})
        for (const char* field : {"count", "mean", "p50", "p90", "p99", "p999", "max"})
            EXPECT_TRUE(v.at("latency_ms").at(kind).as_object().contains(field))
                << kind << "." << field;
    EXPECT_FALSE(v.at("series").as_array().empty());
}

TEST(LoadReport, BadJsonGivesAClearError) {
    std::string why;
    EXPECT_FALSE(load_report::from_json_text("{not json", &why));
    EXPECT_NE(why.find("not JSON"), std::string::npos) << why;

    EXPECT_FALSE(load_report::from_json_text(R"({"tasks":{}})", &why));
    EXPECT_NE(why.find("schema_version"), std::string::npos) << why;

    EXPECT_FALSE(load_report::from_json_text(R"({"schema_version":99})", &why));
    EXPECT_NE(why.find("99 is not supported"), std::string::npos) << why;

    std::mt19937_64 random(9);
    boost::json::value v = run_of(0, 50, random).to_json();
    v.at("latency_ms").at("run").at("histogram").at("buckets").as_array()[0].as_array()[1] = "many";
    EXPECT_FALSE(load_report::from_json(v, &why));
    EXPECT_NE(why.find("latency_ms.run.histogram.buckets[0][1]"), std::string::npos) << why;

    v = run_of(0, 50, random).to_json();
    v.at("tasks").as_object().erase("completed");
    EXPECT_FALSE(load_report::from_json(v, &why));
    EXPECT_EQ(why, "tasks.completed: missing");

    v = run_of(0, 50, random).to_json();
    v.at("series").as_array()[0].at("second") = 10 * 24 * 3600;
    EXPECT_FALSE(load_report::from_json(v, &why));
    EXPECT_NE(why.find("series[0].second: more than a day after"), std::string::npos) << why;

    v = run_of(0, 50, random).to_json();
    v.at("latency_ms").at("submit").at("histogram").at("sum_us") = 1;
    EXPECT_FALSE(load_report::from_json(v, &why));
    EXPECT_NE(why.find("do not agree"), std::string::npos) << why;
}

TEST(LoadReport, DamagedReportsAreRefusedWithoutThrowing) {
    // Every node of a real report replaced in turn by values of the wrong type
    // or range: from_json must answer (a report, or an error with a reason),
    // never throw.
    std::mt19937_64 random(2);
    const boost::json::value original = run_of(0, 30, random).to_json();
    std::vector<boost::json::value*> nodes;
    boost::json::value copy = original;
    std::vector<boost::json::value*> stack{&copy};
    while (!stack.empty()) {
        boost::json::value* v = stack.back();
        stack.pop_back();
        nodes.push_back(v);
        if (auto* o = v->if_object())
            for (auto& [key, child] : *o)
                stack.push_back(&child);
        else if (auto* a = v->if_array())
            for (auto& child : *a)
                stack.push_back(&child);
    }
    const std::vector<boost::json::value> replacements{nullptr,
                                                       "x",
                                                       -1,
                                                       1e300,
                                                       boost::json::array{},
                                                       boost::json::object{},
                                                       18446744073709551615ull};
    std::size_t refused = 0;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        for (const auto& replacement : replacements) {
            boost::json::value damaged = original;
            // Find the i-th node of the damaged copy by walking it the same way.
            std::vector<boost::json::value*> walk{&damaged};
            boost::json::value* target = nullptr;
            for (std::size_t n = 0; !walk.empty(); ++n) {
                boost::json::value* v = walk.back();
                walk.pop_back();
                if (n == i) {
                    target = v;
                    break;
                }
                if (auto* o = v->if_object())
                    for (auto& [key, child] : *o)
                        walk.push_back(&child);
                else if (auto* a = v->if_array())
                    for (auto& child : *a)
                        walk.push_back(&child);
            }
            ASSERT_NE(target, nullptr);
            *target = replacement;
            std::string why;
            boost::system::result<load_report> back = make_error_code(oneai::errc::internal);
            ASSERT_NO_THROW(back = load_report::from_json(damaged, &why));
            if (!back) {
                ++refused;
                EXPECT_FALSE(why.empty());
            }
        }
    }
    EXPECT_GT(refused, nodes.size()); // most damage is noticed
    // Cut text: never a report, never a throw.
    const std::string text = boost::json::serialize(original);
    for (std::size_t cut = 0; cut < text.size(); cut += 7) {
        std::string why;
        EXPECT_FALSE(load_report::from_json_text(text.substr(0, cut), &why)) << cut;
        EXPECT_FALSE(why.empty());
    }
}
