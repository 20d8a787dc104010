// The batch's sans-I/O parts: adaptive limit, rate limiter, journal replay,
// and the JSONL line formats.

#include <oneai/rate_limiter.hpp>

#include "batch/adaptive_limit.hpp"
#include "batch/journal.hpp"

#include "../../tools/oneai/batch_lines.hpp"
#include "../../tools/oneai/output_file.hpp"
#include "common/file_lock.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>

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

TEST(AdaptiveLimit, SlowStartDoublesPerRoundOfAcceptedSubmitsUntilTheFirst429) {
    detail::adaptive_limit limit(4, 1000);
    for (int i = 0; i < 4; ++i)
        limit.on_accepted(true);
    EXPECT_EQ(limit.current(), 8u);
    for (int i = 0; i < 8; ++i)
        limit.on_accepted(true);
    EXPECT_EQ(limit.current(), 16u);
    for (int i = 0; i < 100; ++i)
        limit.on_accepted(false); // held back by something else: no evidence for more
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
        limit.on_accepted(true); // after a 429: +1/limit each, about one per window
    EXPECT_EQ(limit.current(), 49u);
    for (int i = 0; i < 100000; ++i)
        limit.on_accepted(true);
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

constexpr const char* uuid_a = "0b9a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
constexpr const char* uuid_b = "1B9A1C2D-3E4F-4A5B-8C6D-7E8F9A0B1C2D"; // case is kept

TEST(Journal, ReplaysEveryEventKindAndCutsATornTailBeforeAppending) {
    const std::string path = temp_path("journal");
    std::filesystem::remove(path);
    {
        detail::journal j(path);
        EXPECT_TRUE(j.empty());
        j.header({"abc", "auto", "example.test"});
        j.intent(0, 0x10);
        j.submitted(0, uuid_a);
        j.finished(0, 0x10);
        j.intent(1, 0x11);
        j.submitted(1, uuid_b); // submitted, not finished: wait on it
        j.intent(2, 0x12);      // no answer: unsure
        j.intent(3, 0x13);
        j.unknown(3); // lost answer: unsure
        j.intent(4, 0x14);
        j.retryable(4, "server_error"); // no task: submit again
        j.intent(5, 0x15);
        j.submitted(5, uuid_a);
        j.retryable(5, "deadline_exceeded"); // the task exists: wait on it again
        j.intent(6, 0x16);
        j.submitted(6, uuid_a);
        j.retryable(6, "task_not_found"); // the task expired: submit again
        j.flush(false);
    }
    std::ofstream(path, std::ios::app) << "T 2 0b9a1c2d-3e4f"; // torn: no newline
    {
        detail::journal j(path);
        auto state = j.load();
        EXPECT_TRUE(state.has_header);
        EXPECT_EQ(state.header, (detail::journal_header{"abc", "auto", "example.test"}));
        EXPECT_TRUE(state.finished.contains(0));
        EXPECT_EQ(state.submitted.at(1), uuid_b);
        EXPECT_TRUE(state.unsure.contains(2));
        EXPECT_TRUE(state.unsure.contains(3));
        EXPECT_TRUE(state.retry.contains(4));
        EXPECT_EQ(state.submitted.at(5), uuid_a);
        EXPECT_TRUE(state.retry.contains(6));
        EXPECT_EQ(state.submitted.size(), 2u);
        EXPECT_EQ(state.line_hash.at(3), 0x13u);
        j.finished(2, 0x12); // appended after the cut: a line of its own
        j.flush(false);
    }
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        EXPECT_TRUE(line.starts_with("oneai-journal ") ||
                    (line.size() > 2 && line[1] == ' ' &&
                     std::string("ITUEF").find(line[0]) != std::string::npos))
            << line;
    detail::journal j(path);
    EXPECT_TRUE(j.load().finished.contains(2));
}

TEST(Journal, RefusesForgedTaskIdsAndOtherFormats) {
    detail::journal_state state;
    EXPECT_FALSE(detail::apply_journal_line("T 7 ../../v0/x", state));
    EXPECT_FALSE(detail::apply_journal_line("T 7 x", state));
    EXPECT_FALSE(state.submitted.contains(7));
    EXPECT_FALSE(detail::apply_journal_line("F", state));
    EXPECT_FALSE(detail::apply_journal_line("Q 1", state));
    EXPECT_THROW(detail::apply_journal_line("oneai-journal 1 pipeline=x", state),
                 std::runtime_error);

    const std::string path = temp_path("old-journal");
    std::ofstream(path) << "I 0\nT 0 " << uuid_a << "\n"; // the first format: no header
    detail::journal j(path);
    EXPECT_THROW(j.load(), std::runtime_error);
    std::filesystem::remove(path);
}

TEST(Journal, ASecondHolderIsRefusedWithThePidOfTheFirst) {
    const std::string path = temp_path("locked-journal");
    detail::journal first(path);
    try {
        detail::journal second(path);
        ADD_FAILURE() << "a second journal on the same file was allowed";
    } catch (const common::file_locked& e) {
        EXPECT_EQ(e.holder(), ::getpid());
        EXPECT_NE(std::string(e.what()).find("PID " + std::to_string(::getpid())),
                  std::string::npos)
            << e.what();
    }
    std::filesystem::remove(path);
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

TEST(BatchLines, OutputLinesAreValidJsonWhateverTheIdAndTheEchoedFields) {
    batch_outcome o;
    o.index = 7;
    o.id = "a \"quoted\" id\\ with a\nline break";
    o.task_id = "686f68bb-5fbd-4522-8efa-18235092eb22";
    o.what = batch_outcome::kind::completed;
    o.submit_ms = 1.5;
    o.total_ms = std::numeric_limits<double>::infinity(); // never a bare inf in JSON
    o.polls = 3;
    // Echoed fields never override or duplicate the line's own members.
    o.echo_json = R"({"error":"mine","timings":1,"status":"x","lang":"en"})";
    const std::string line = cli::format_outcome(o);
    ASSERT_TRUE(line.ends_with("}\n"));
    auto parsed = boost::json::parse(line).as_object();
    EXPECT_EQ(parsed.at("id").as_string(), o.id);
    EXPECT_EQ(parsed.at("task_id").as_string(), o.task_id);
    EXPECT_EQ(parsed.at("status"), "COMPLETED");
    EXPECT_TRUE(parsed.at("error").is_null());
    EXPECT_EQ(parsed.at("timings").at("submit_ms"), 1.5);
    EXPECT_TRUE(parsed.at("timings").at("total_ms").is_null());
    EXPECT_EQ(parsed.at("timings").at("polls"), 3);
    EXPECT_EQ(parsed.at("lang"), "en");
    std::size_t errors = 0;
    for (std::size_t at = line.find("\"error\""); at != std::string::npos;
         at = line.find("\"error\"", at + 1))
        ++errors;
    EXPECT_EQ(errors, 1u) << line;
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
    {
        cli::output_file out(path);
        EXPECT_EQ(out.recover(true).indexes, (std::unordered_set<std::uint64_t>{1, 2}));
    }
    std::ifstream in(path);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(content.back(), '\n'); // the torn line is gone
    std::filesystem::remove(path);
}

TEST(BatchLines, AResumeDropsTheLinesOfItemsItRetries) {
    const std::string path = temp_path("retry-output");
    {
        std::ofstream out(path, std::ios::binary);
        batch_outcome o;
        const std::pair<std::uint64_t, batch_outcome::kind> lines[] = {
            {0, batch_outcome::kind::completed},
            {1, batch_outcome::kind::error},
            {2, batch_outcome::kind::unknown},
            {3, batch_outcome::kind::failed},
            {4, batch_outcome::kind::invalid}};
        for (auto [index, kind] : lines) {
            o.index = index;
            o.what = kind;
            out << cli::format_outcome(o);
        }
    }
    {
        cli::output_file out(path);
        auto kept = out.recover(true);
        EXPECT_EQ(kept.indexes, (std::unordered_set<std::uint64_t>{0, 2, 3, 4}));
        EXPECT_EQ(kept.not_completed, 3u); // UNKNOWN, FAILED, INVALID
    }
    {
        cli::output_file out(path);
        EXPECT_EQ(out.recover(false).indexes, (std::unordered_set<std::uint64_t>{0, 3, 4}));
    }
    std::ifstream in(path);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(content.find("ERROR"), std::string::npos);
    EXPECT_EQ(content.find("UNKNOWN"), std::string::npos);
    EXPECT_NE(content.find("COMPLETED"), std::string::npos);
    std::filesystem::remove(path);
}

TEST(BatchLines, AResumeKeepsASymlinkedOutputALinkAndRefusesHardLinks) {
    namespace fs = std::filesystem;
    const fs::path real = temp_path("real-output"), link = temp_path("link-output"),
                   hard = temp_path("hard-output");
    auto write_lines = [&] {
        std::ofstream out(real, std::ios::binary | std::ios::trunc);
        batch_outcome o;
        o.what = batch_outcome::kind::error; // to be dropped
        out << cli::format_outcome(o);
        o.index = 1;
        o.what = batch_outcome::kind::completed;
        out << cli::format_outcome(o);
    };
    write_lines();
    fs::permissions(real, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    fs::remove(link);
    fs::create_symlink(real, link);
    {
        cli::output_file out(link.string());
        EXPECT_EQ(out.recover(true).indexes, (std::unordered_set<std::uint64_t>{1}));
    }
    EXPECT_TRUE(fs::is_symlink(link));
    std::ifstream in(real);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(content.find("ERROR"), std::string::npos); // the real file was rewritten
    EXPECT_EQ(fs::status(real).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);

    write_lines();
    fs::remove(hard);
    fs::create_hard_link(real, hard);
    {
        cli::output_file out(real.string());
        EXPECT_THROW(out.recover(true), std::runtime_error);
    }
    for (const auto& p : {real, link, hard})
        fs::remove(p);
}

TEST(BatchLines, FilePathsStayUnderTheInputFolder) {
    namespace fs = std::filesystem;
    const fs::path dir = temp_path("files");
    fs::create_directories(dir / "sub");
    std::ofstream(dir / "sub" / "a.txt") << "text";
    std::ofstream(dir / "outside.txt") << "text";
    cli::file_rules rules{dir / "sub", {}};
    EXPECT_TRUE(cli::parse_input_line(R"({"file":"a.txt"})", 0, rules).invalid.empty());
    EXPECT_NE(
        cli::parse_input_line(R"({"file":"../outside.txt"})", 0, rules).invalid.find("outside"),
        std::string::npos);
    const std::string absolute = R"({"file":")" + (dir / "outside.txt").string() + R"("})";
    EXPECT_FALSE(cli::parse_input_line(absolute, 0, rules).invalid.empty());
    rules.also_under.push_back(dir);
    EXPECT_TRUE(cli::parse_input_line(absolute, 0, rules).invalid.empty());
    fs::remove_all(dir);
}
