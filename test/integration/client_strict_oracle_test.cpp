// The client against a stricter oracle: each shape the API may take where
// the docs leave it open (a FAILED task's error in one field only, 202 on
// submit, Retry-After as an HTTP-date or in milliseconds) and a server that
// closes kept-alive connections, idle or just as a request goes out.

#include "../support/cancel_cases.hpp"
#include "../support/canned_server.hpp"
#include "../support/client_fixture.hpp"

#include <thread>

using namespace oneai;
using namespace oneai::test;
using namespace std::chrono_literals;

namespace {

const std::string uuid = "5a7c52b3-3bd5-4b1e-9f37-9f1e0c6f1d2a";
const std::string submit_answer = R"({"status":"QUEUED","task_id":")" + uuid + "\"}";
const std::string running_answer =
    R"({"task_id":")" + uuid + R"(","status":"RUNNING","result":null,"error":null})";

} // namespace

class StrictOracleTest : public ClientTest {
  protected:
    /// Waits (on this thread, reading the emulator's counters every few
    /// milliseconds) until the stats member `name` reaches `at_least`.
    bool wait_for_counter(const std::string& name, std::int64_t at_least) {
        for (int i = 0; i < 2000; ++i) {
            if (server_stats().at(name).to_number<std::int64_t>() >= at_least)
                return true;
            std::this_thread::sleep_for(5ms);
        }
        return false;
    }

    /// The delays of the retries the client announces.
    std::vector<std::chrono::milliseconds> retry_delays;
    void record_retries(client& c) {
        c.set_observer(
            {.on_retry = [this](const retry_event& e) { retry_delays.push_back(e.delay); }});
    }
};

TEST_F(StrictOracleTest, AFailedTasksErrorIsReadFromWhicheverFieldHoldsIt) {
    server_cfg.faults.task_failure_rate = 1.0;
    using field = emulator::config::failed_error_field;
    for (field where : {field::error_only, field::result_only, field::both}) {
        server_cfg.failed_error_in = where;
        start_server();
        auto c = make_client();
        diagnostics diag;
        auto [ec, r] = complete<result>(
            [&](auto h) { c->async_run(simple(), text_input{sample_text}, diag, h); });
        const int mode = static_cast<int>(where);
        EXPECT_EQ(ec, errc::task_failed) << "mode " << mode << ": " << ec.message();
        EXPECT_EQ(diag.api_code, 50000) << "mode " << mode;
        EXPECT_EQ(diag.details, "injected task failure") << "mode " << mode;
    }
}

TEST_F(StrictOracleTest, ASubmitAnswered202IsAccepted) {
    server_cfg.submit_status_202 = true;
    start_server();
    auto c = make_client();
    auto [ec, r] =
        complete<result>([&](auto h) { c->async_run(simple(), text_input{sample_text}, h); });
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(r.summary().has_value());
    const auto stats = server_stats();
    EXPECT_EQ(stats.at("responses_by_status").at("202"), 1); // the strict mode was on
    EXPECT_EQ(stats.at("submits"), 1);
}

TEST_F(StrictOracleTest, RetryAfterAsAnHttpDateInEachFormIsHonoured) {
    // The first submit is refused with a date a second ahead (rounded up to a
    // whole second); the retry waits until then, not the 10 ms backoff.
    server_cfg.retry_after = 1s;
    server_cfg.faults.scheduled = {emulator::scheduled_fault::parse("429:first-post")};
    using form = emulator::config::retry_after_format;
    for (form f : {form::imf_date, form::rfc850_date, form::asctime_date}) {
        server_cfg.retry_after_form = f;
        start_server();
        auto c = make_client();
        retry_delays.clear();
        std::chrono::system_clock::time_point retry_announced;
        c->set_observer({.on_retry = [&](const retry_event& e) {
            retry_delays.push_back(e.delay);
            retry_announced = std::chrono::system_clock::now();
        }});
        const auto asked = std::chrono::system_clock::now();
        auto [ec, t] =
            complete<task>([&](auto h) { c->async_submit(simple(), text_input{sample_text}, h); });
        const int mode = static_cast<int>(f);
        ASSERT_FALSE(ec) << "form " << mode << ": " << ec.message();
        ASSERT_EQ(retry_delays.size(), 1u) << "form " << mode;
        // The date is at least 1 s after the request went out, so the wait
        // plus the time the refusal took to arrive and be read covers that
        // second; the 10 ms backoff would not. The date is at most 2 s ahead
        // (1 s rounded up), read on the client's clock a whole second down.
        // Neither bound moves with this machine's load.
        const auto until_announced =
            std::chrono::duration_cast<std::chrono::milliseconds>(retry_announced - asked);
        EXPECT_GE(retry_delays[0] + until_announced, 1s)
            << "form " << mode << ": " << retry_delays[0].count() << " ms, announced "
            << until_announced.count() << " ms after the request";
        EXPECT_LE(retry_delays[0], 2s) << "form " << mode;
        EXPECT_EQ(c->counters().rate_limited, 1u);
        EXPECT_EQ(server_stats().at("submits"), 1);
    }
}

TEST_F(StrictOracleTest, RetryAfterMsIsPreferredAndHonoured) {
    // Both headers, as some gateways send them: the finer one wins.
    const std::string refused =
        "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
        "Retry-After: 7\r\nretry-after-ms: 250\r\nContent-Length: 2\r\n"
        "Connection: close\r\n\r\n{}";
    canned_server server(canned_server::script{.replies = {refused, raw_reply(submit_answer)}});
    opts.base_url = server.base_url();
    auto c = make_client();
    record_retries(*c);
    auto [ec, t] =
        complete<task>([&](auto h) { c->async_submit(simple(), text_input{sample_text}, h); });
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(t.id(), uuid);
    EXPECT_EQ(retry_delays, (std::vector<std::chrono::milliseconds>{250ms}));
    EXPECT_EQ(server.requests(), 2);
}

TEST_F(StrictOracleTest, ReconnectsWhenTheServerClosedAnIdleConnection) {
    server_cfg.idle_timeout = 100ms;
    start_server();
    auto c = make_client();
    auto [ec, t] =
        complete<task>([&](auto h) { c->async_submit(simple(), text_input{sample_text}, h); });
    ASSERT_FALSE(ec) << ec.message();
    // A status request on the connection the server closed: sent again on a
    // fresh one, unseen by the caller.
    ASSERT_TRUE(wait_for_counter("idle_closes", 1));
    diagnostics diag;
    auto [sec, s] = complete<task_status>([&](auto h) { c->async_status(t, diag, h); });
    EXPECT_FALSE(sec) << sec.message();
    EXPECT_EQ(diag.attempts, 1u);
    EXPECT_EQ(c->counters().connections_opened, 2u);
    // A submit is checked before it goes out: it never meets the closed
    // connection, so its outcome is never in doubt.
    ASSERT_TRUE(wait_for_counter("idle_closes", 2));
    diagnostics submit_diag;
    auto [ec2, t2] = complete<task>([&](auto h) {
        c->async_submit(simple(), text_input{"Another text to submit."}, submit_diag, h);
    });
    EXPECT_FALSE(ec2) << ec2.message();
    EXPECT_EQ(submit_diag.attempts, 1u);
    EXPECT_EQ(c->counters().connections_opened, 3u);
    EXPECT_EQ(server_stats().at("submits"), 2);
    EXPECT_EQ(server_stats().at("duplicate_submits"), 0);
}

TEST_F(StrictOracleTest, AStatusRequestMeetingACloseIsSentAgainOnAFreshConnection) {
    // Each connection answers one request, then closes as the next arrives:
    // the close races the request, too late for any check before sending.
    canned_server server(canned_server::script{.replies = {raw_reply(running_answer, -1, true)},
                                               .keep_alive = true,
                                               .answers_per_connection = 1});
    opts.base_url = server.base_url();
    auto c = make_client();
    for (int i = 0; i < 2; ++i) {
        diagnostics diag;
        auto [ec, s] = complete<task_status>([&](auto h) { c->async_status(task(uuid), diag, h); });
        EXPECT_FALSE(ec) << "status " << i + 1 << ": " << ec.message();
        EXPECT_EQ(s.state, task_state::running);
        EXPECT_EQ(diag.attempts, 1u); // not a retry: the request never reached the server's logic
    }
    EXPECT_EQ(server.requests(), 3); // answered, dropped, answered on a fresh connection
    EXPECT_EQ(server.connections(), 2);
}

TEST_F(StrictOracleTest, ASubmitMeetingACloseIsNeverSentAgain) {
    // The same race for a submit: its bytes went out, and the server may have
    // acted on them, so it is not resent: the outcome is unknown.
    canned_server server(canned_server::script{.replies = {raw_reply(submit_answer, -1, true)},
                                               .keep_alive = true,
                                               .answers_per_connection = 1});
    opts.base_url = server.base_url();
    auto c = make_client();
    auto [ec1, t1] =
        complete<task>([&](auto h) { c->async_submit(simple(), text_input{sample_text}, h); });
    ASSERT_FALSE(ec1) << ec1.message();
    diagnostics diag;
    auto [ec2, t2] = complete<task>(
        [&](auto h) { c->async_submit(simple(), text_input{sample_text}, diag, h); });
    EXPECT_EQ(ec2, errc::unknown_submission_outcome) << ec2.message();
    EXPECT_TRUE(diag.request_sent);
    EXPECT_EQ(diag.attempts, 1u);
    EXPECT_EQ(server.requests(), 2); // the second submit arrived once, and only once
    EXPECT_EQ(server.connections(), 1);
}

TEST_F(StrictOracleTest, ASubmitMeetingACloseIsSentAgainOnlyWhenOptedIn) {
    canned_server server(canned_server::script{.replies = {raw_reply(submit_answer, -1, true)},
                                               .keep_alive = true,
                                               .answers_per_connection = 1});
    opts.base_url = server.base_url();
    opts.retries.resubmit_when_unsure = true;
    auto c = make_client();
    for (int i = 0; i < 2; ++i) {
        auto [ec, t] =
            complete<task>([&](auto h) { c->async_submit(simple(), text_input{sample_text}, h); });
        EXPECT_FALSE(ec) << "submit " << i + 1 << ": " << ec.message();
    }
    EXPECT_EQ(server.requests(), 3);
    EXPECT_EQ(server.connections(), 2);
}
