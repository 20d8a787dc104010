// The batch's sans-I/O parts: adaptive limit, rate limiter, journal replay,
// and the JSONL line formats.

#include <oneai/rate_limiter.hpp>

#include "batch/adaptive_limit.hpp"
#include "batch/journal.hpp"

#include "../../tools/oneai/batch_lines.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace oneai;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {
std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() /
            ("oneai-batch-test-" + std::to_string(::getpid()) + "-" + name))
        .string();
}
} // namespace

TEST(AdaptiveLimit, SlowStartDoublesPerWindowUntilTheFirst429) {
    detail::adaptive_limit limit(4, 1000);
    for (int i = 0; i < 4; ++i)
        limit.on_success();
    EXPECT_EQ(limit.current(), 8u);
    for (int i = 0; i < 8; ++i)
        limit.on_success();
    EXPECT_EQ(limit.current(), 16u);
}

TEST(AdaptiveLimit, A429DropsTo90PercentOfWhatWasInFlightOncePerCooldown) {
    detail::adaptive_limit limit(100, 200, 1s);
    const auto t0 = clock_type::time_point{} + 100s;
    limit.on_rate_limited(t0, 60); // the service refused at 60 in flight
    EXPECT_EQ(limit.current(), 54u);
    limit.on_rate_limited(t0 + 100ms, 54); // the same burst
    EXPECT_EQ(limit.current(), 54u);
    limit.on_rate_limited(t0 + 2s, 80); // in flight above the limit counts as the limit
    EXPECT_EQ(limit.current(), 48u);
    for (int i = 0; i < 49; ++i)
        limit.on_success(); // after a 429: +1/limit each, about one per window
    EXPECT_EQ(limit.current(), 49u);
    for (int i = 0; i < 100000; ++i)
        limit.on_success();
    EXPECT_EQ(limit.current(), 200u); // never above the maximum
    for (int i = 0; i < 100; ++i)
        limit.on_rate_limited(t0 + std::chrono::seconds(10 + 2 * i), 0);
    EXPECT_EQ(limit.current(), 1u); // never below one
}

TEST(RateLimiter, AllowsTheBurstThenTheRate) {
    rate_limiter r(10, 5); // 10/s, bursts of 5
    const auto t0 = clock_type::time_point{} + 100s;
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(r.take(t0), clock_type::duration::zero());
    auto wait = r.take(t0);
    EXPECT_GT(wait, 90ms);
    EXPECT_LE(wait, 100ms);
    EXPECT_EQ(r.take(t0 + 100ms), clock_type::duration::zero());
    EXPECT_TRUE(rate_limiter(0, 1).unlimited());
}

TEST(Journal, ReplaysEveryEventKindAndIgnoresATornLine) {
    const std::string path = temp_path("journal");
    std::filesystem::remove(path);
    {
        detail::journal j(path);
        j.intent(0);
        j.submitted(0, "task-a");
        j.finished(0);
        j.intent(1);
        j.submitted(1, "task-b"); // submitted, not finished: wait on it
        j.intent(2);              // no answer: unsure
        j.intent(3);
        j.unknown(3); // lost answer: unsure
    }
    std::ofstream(path, std::ios::app) << "T 2 task-c"; // torn: no newline
    auto state = detail::journal::load(path);
    EXPECT_TRUE(state.finished.contains(0));
    EXPECT_EQ(state.submitted.at(1), "task-b");
    EXPECT_TRUE(state.unsure.contains(2));
    EXPECT_TRUE(state.unsure.contains(3));
    EXPECT_FALSE(state.submitted.contains(2));
    EXPECT_EQ(state.submitted.size(), 1u);
    std::filesystem::remove(path);
    EXPECT_TRUE(detail::journal::load(path).finished.empty()); // a missing journal is empty
}

TEST(BatchLines, InputLinesOfEveryKind) {
    auto s = cli::parse_input_line(R"("plain text")", 0);
    EXPECT_TRUE(s.invalid.empty());
    EXPECT_EQ(std::get<text_input>(s.input).text, "plain text");

    auto o =
        cli::parse_input_line(R"({"id":7,"url":"https://x.test/a","lang":"en","meta":{"k":1}})", 3);
    EXPECT_TRUE(o.invalid.empty()) << o.invalid;
    EXPECT_EQ(o.id, "7");
    EXPECT_EQ(std::get<url_input>(o.input).url, "https://x.test/a");
    EXPECT_EQ(boost::json::parse(o.echo_json),
              boost::json::parse(R"({"lang":"en","meta":{"k":1}})"));

    auto c = cli::parse_input_line(R"({"conversation":[{"speaker":"A","utterance":"hi"}]})", 1);
    EXPECT_TRUE(c.invalid.empty());
    EXPECT_EQ(std::get<conversation_input>(c.input).utterances.at(0).speaker, "A");

    for (const char* bad :
         {"{not json", "42", R"({"id":"x"})", R"({"text":"a","url":"b"})", R"({"text":5})",
          R"({"file":"/nonexistent/file.wav"})", R"({"conversation":[]})"}) {
        auto item = cli::parse_input_line(bad, 9);
        EXPECT_FALSE(item.invalid.empty()) << bad;
        EXPECT_TRUE(item.invalid.starts_with("line 10: ")) << item.invalid;
    }
}

TEST(BatchLines, OutputLinesStartWithTheIndexAndSurviveATornTail) {
    batch_outcome o;
    o.index = 42;
    o.id = "doc-42";
    o.what = batch_outcome::kind::failed;
    o.ec = errc::task_failed;
    o.diag.api_code = 50000;
    o.echo_json = R"({"lang":"en"})";
    std::string line = cli::format_outcome(o);
    EXPECT_TRUE(line.starts_with(R"({"index":42,)"));
    auto parsed = boost::json::parse(line).as_object();
    EXPECT_EQ(parsed.at("status"), "FAILED");
    EXPECT_EQ(parsed.at("error").at("code"), "task_failed");
    EXPECT_EQ(parsed.at("error").at("status_code"), 50000);
    EXPECT_EQ(parsed.at("lang"), "en");

    const std::string path = temp_path("output");
    {
        std::ofstream out(path, std::ios::binary);
        o.index = 1;
        out << cli::format_outcome(o);
        o.index = 2;
        out << cli::format_outcome(o);
        out << R"({"index":3,"id":"do)"; // killed mid-line
    }
    auto indexes = cli::recover_output(path);
    EXPECT_EQ(indexes, (std::unordered_set<std::uint64_t>{1, 2}));
    std::ifstream in(path);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(content.back(), '\n'); // the torn line is gone
    std::filesystem::remove(path);
}
