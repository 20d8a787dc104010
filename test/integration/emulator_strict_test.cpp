// The emulator's strict modes and deterministic faults, seen from the wire:
// a FAILED task's error in one field only, Retry-After as an HTTP-date,
// idle kept-alive connections closed by the server, scheduled faults that
// hit exactly the request they name, and seeded faults that no other draw moves.

#include "../support/emulator_fixture.hpp"

#include "client/core/retry_after.hpp"

#include <functional>
#include <regex>

using namespace oneai;
using namespace oneai::test;
using namespace std::chrono_literals;

namespace {

const std::string unknown_task =
    "/api/v0/pipeline/async/tasks/075f954c-e1d7-4b80-b24d-e460fd266c2c";

// Waits for the emulator's counter at `path` (a stats member, or "faults.x")
// to reach `at_least`, reading it every few milliseconds; false after 10 s.
bool wait_for_counter(const std::function<boost::json::value()>& stats, const std::string& name,
                      std::int64_t at_least) {
    for (int i = 0; i < 2000; ++i) {
        if (stats().at(name).to_number<std::int64_t>() >= at_least)
            return true;
        std::this_thread::sleep_for(5ms);
    }
    return false;
}

} // namespace

TEST_F(EmulatorTest, AFailedTasksErrorCanBeInOneFieldOnly) {
    cfg.faults.task_failure_rate = 1.0;
    using field = emulator::config::failed_error_field;
    for (field where : {field::both, field::error_only, field::result_only}) {
        cfg.failed_error_in = where;
        start();
        auto done = wait_for(submit(simple_body));
        ASSERT_EQ(done.at("status"), "FAILED");
        const auto& error = done.at("error");
        const auto& result = done.at("result");
        EXPECT_EQ(error.is_null(), where == field::result_only) << done;
        EXPECT_EQ(result.is_null(), where == field::error_only) << done;
        const auto& held = error.is_null() ? result : error;
        EXPECT_EQ(held.at("status_code"), 50000) << done;
        EXPECT_FALSE(held.at("request_id").as_string().empty());
        server.reset();
    }
}

TEST_F(EmulatorTest, RetryAfterInEachHttpDateForm) {
    cfg.retry_after = 2s;
    cfg.faults.scheduled = {emulator::scheduled_fault::parse("429:any#1")};
    using form = emulator::config::retry_after_format;
    const std::pair<form, std::regex> forms[] = {
        {form::seconds, std::regex("2")},
        {form::imf_date,
         std::regex(R"([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT)")},
        {form::rfc850_date,
         std::regex(R"([A-Z][a-z]+day, \d{2}-[A-Z][a-z]{2}-\d{2} \d\d:\d\d:\d\d GMT)")},
        {form::asctime_date,
         std::regex(R"([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4})")},
    };
    for (const auto& [f, shape] : forms) {
        cfg.retry_after_form = f;
        start();
        // The date was written between these two instants. Read from before
        // the request, it is at least the configured 2 s ahead; read from
        // after the answer, at most 3 s (2 s rounded up to a whole second).
        // Neither bound moves however long the request took.
        const auto asked = std::chrono::system_clock::now();
        auto refused = call(post_json("/api/v0/pipeline/async", simple_body));
        const auto answered = std::chrono::system_clock::now();
        ASSERT_EQ(refused.status, 429u);
        const std::string value = refused.header("retry-after");
        EXPECT_TRUE(std::regex_match(value, shape)) << value;
        auto ahead_of_request = oneai::detail::parse_retry_after(value, asked);
        auto ahead_of_answer = oneai::detail::parse_retry_after(value, answered);
        ASSERT_TRUE(ahead_of_request && ahead_of_answer) << value;
        EXPECT_GE(*ahead_of_request, 2s) << value;
        EXPECT_LE(*ahead_of_answer, 3s) << value;
        EXPECT_EQ(stats().at("faults").at("http_429"), 1);
        server.reset();
    }
}

TEST_F(EmulatorTest, IdleKeptAliveConnectionsAreClosedAfterTheIdleTimeout) {
    cfg.idle_timeout = 100ms;
    start();
    keep_alive_connection connection(port());
    ASSERT_EQ(connection.send(post_json("/api/v0/pipeline/async", simple_body)).status, 200u);
    ASSERT_TRUE(wait_for_counter([&] { return stats(); }, "idle_closes", 1));
    EXPECT_THROW(connection.send(get(unknown_task)), boost::system::system_error);
    // A connection in use is not idle: a request that takes longer than the
    // idle timeout (a sync run of 300 ms) is answered.
    cfg.latency = emulator::latency_model::fixed(300ms);
    start();
    keep_alive_connection busy(port());
    EXPECT_EQ(busy.send(post_json("/api/v0/pipeline", simple_body)).status, 200u);
    EXPECT_EQ(stats().at("idle_closes"), 0);
}

TEST_F(EmulatorTest, AScheduledFaultHitsExactlyTheRequestItNames) {
    // The second POST loses its answer, the third GET is refused with 503:
    // every other request is answered, whatever the order of kinds.
    cfg.faults.scheduled = {emulator::scheduled_fault::parse("reset:post#2"),
                            emulator::scheduled_fault::parse("503:get#3")};
    start();
    std::string pattern;
    auto note_post = [&] {
        try {
            pattern +=
                std::to_string(call(post_json("/api/v0/pipeline/async", simple_body)).status);
        } catch (const boost::system::system_error&) {
            pattern += "reset";
        }
        pattern += ' ';
    };
    auto note_get = [&] { pattern += std::to_string(call(get(unknown_task)).status) + ' '; };
    note_get();
    note_post();
    note_get();
    note_post();
    note_get();
    note_post();
    note_get();
    EXPECT_EQ(pattern, "404 200 404 reset 503 200 404 ");
    auto s = stats();
    EXPECT_EQ(s.at("submits"), 3); // the reset came after the task existed
    EXPECT_EQ(s.at("faults").at("resets"), 1);
    EXPECT_EQ(s.at("faults").at("http_503"), 1);
    EXPECT_EQ(s.at("faults").at("scheduled"), 2);
}

TEST_F(EmulatorTest, AScheduledFaultOnAnyRequestCountsEveryKind) {
    cfg.faults.scheduled = {emulator::scheduled_fault::parse("500:any#3"),
                            emulator::scheduled_fault::parse("429:first-post")};
    start();
    std::vector<unsigned> statuses;
    statuses.push_back(call(get(unknown_task)).status);
    statuses.push_back(call(post_json("/api/v0/pipeline/async", simple_body)).status);
    statuses.push_back(call(post_json("/api/v0/pipeline/async", simple_body)).status);
    statuses.push_back(call(post_json("/api/v0/pipeline/async", simple_body)).status);
    EXPECT_EQ(statuses, (std::vector<unsigned>{404, 429, 500, 200}));
    EXPECT_EQ(stats().at("submits"), 1);
}

TEST_F(EmulatorTest, ASeededFaultHitsTheSameRequestWhateverElseIsDrawn) {
    // Which submits lose their answer, for one seed, under a latency model that
    // draws nothing and under one that draws for every task: the faults have
    // a generator of their own, so the extra draws move nothing.
    cfg.faults.reset_rate = 0.3;
    cfg.seed = 5;
    auto pattern = [&](emulator::latency_model latency) {
        cfg.latency = latency;
        start();
        std::string out;
        for (int i = 0; i < 40; ++i) {
            try {
                call(post_json("/api/v0/pipeline/async", simple_body));
                out += '.';
            } catch (const boost::system::system_error&) {
                out += 'x';
            }
        }
        server.reset();
        return out;
    };
    const std::string fixed = pattern(emulator::latency_model::fixed(1ms));
    const std::string drawn = pattern(emulator::latency_model::parse("uniform:1ms..20ms"));
    EXPECT_EQ(fixed, drawn);
    EXPECT_NE(fixed.find('x'), std::string::npos);
    EXPECT_NE(fixed.find('.'), std::string::npos);
}

TEST_F(EmulatorTest, ASeededFaultHitsTheSameRequestWhateverTheRequestsBeforeIt) {
    // Every request draws its faults up front: a request that fails
    // validation (no reset drawn before) does not shift the next ones.
    cfg.faults.reset_rate = 0.3;
    cfg.seed = 11;
    auto pattern = [&](bool first_is_invalid) {
        start();
        std::string out;
        for (int i = 0; i < 30; ++i) {
            const bool invalid = first_is_invalid && i == 0;
            try {
                auto answer = call(post_json("/api/v0/pipeline/async",
                                             invalid ? std::string("{not json") : simple_body));
                out += answer.status == 200 ? '.' : '?';
            } catch (const boost::system::system_error&) {
                out += 'x';
            }
        }
        server.reset();
        return out.substr(1); // the first request differs on purpose
    };
    const std::string valid = pattern(false);
    EXPECT_EQ(valid, pattern(true));
    EXPECT_NE(valid.find('x'), std::string::npos);
}
