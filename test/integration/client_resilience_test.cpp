// How the client copes with a service that pushes back, fails, loses
// answers, answers nonsense, or is slower than the caller's patience.

#include "../support/cancel_cases.hpp"
#include "../support/canned_server.hpp"
#include "../support/client_fixture.hpp"

#include <oneai/poll_scheduler.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <functional>
#include <map>
#include <set>
#include <thread>

using namespace oneai;
using namespace oneai::test;
using namespace std::chrono_literals;

TEST_F(ClientTest, RateLimitedSubmitsWaitForRetryAfter) {
    // Tasks of 800 ms, shorter than the 1 s hint: a hint that stuck to the
    // polls would leave room for one poll at most while a task runs.
    server_cfg.max_concurrent_jobs = 1;
    server_cfg.retry_after = 1s;
    server_cfg.latency = emulator::latency_model::fixed(800ms);
    start_server();
    auto c = make_client();
    std::optional<error_code> first, second;
    std::vector<std::chrono::milliseconds> retry_delays;
    std::map<std::string, unsigned> polls_while_running; // by task
    c->set_observer({.on_retry = [&](const retry_event& e) { retry_delays.push_back(e.delay); },
                     .on_poll =
                         [&](const poll_event& e) {
                             auto& seen = polls_while_running[std::string(e.task_id)];
                             if (e.state == task_state::queued || e.state == task_state::running)
                                 ++seen;
                         }});
    c->async_run(simple(), text_input{"First text here."},
                 [&](error_code ec, result) { first = ec; });
    c->async_run(simple(), text_input{"Second text here."},
                 [&](error_code ec, result) { second = ec; });
    io.run();
    ASSERT_TRUE(first && second);
    EXPECT_FALSE(*first) << first->message();
    EXPECT_FALSE(*second) << second->message();
    EXPECT_GE(c->counters().rate_limited, 1u);
    // Every retry of the refused submit waited for the hint, not the 10 ms backoff...
    ASSERT_FALSE(retry_delays.empty());
    for (auto d : retry_delays)
        EXPECT_EQ(d, 1000ms);
    // ...and the hint stayed with that request: the polls went on at the
    // policy's 20 ms, never at the submit's 1 s. Counted, not timed: a poll
    // 1 s after the first (10 ms in) finds the task of 800 ms finished on the
    // server's clock however slow this machine is, so a sticky hint leaves at
    // most one poll that saw the task unfinished; at 20 ms there are dozens,
    // and two need only the first 800 ms.
    ASSERT_EQ(polls_while_running.size(), 2u);
    for (const auto& [id, unfinished] : polls_while_running)
        EXPECT_GE(unfinished, 2u) << "task " << id << " was polled " << unfinished
                                  << " time(s) while it ran";
}

TEST_F(ClientTest, RateLimitHintLongerThanTheDeadlineFailsFast) {
    server_cfg.faults.storm_every = 1h;
    server_cfg.faults.storm_length = 1h;
    server_cfg.retry_after = 30s;
    start_server();
    opts.task_deadline = 2s;
    auto c = make_client();
    int retries = 0;
    c->set_observer({.on_retry = [&](const retry_event&) { ++retries; }});
    diagnostics diag;
    auto [ec, t] = complete<task>(
        [&](auto h) { c->async_submit(simple(), text_input{sample_text}, diag, h); });
    EXPECT_EQ(ec, errc::rate_limited);
    EXPECT_EQ(diag.api_code, 60009);
    // Fast: the first answer decided it, without a wait for a retry.
    EXPECT_EQ(diag.attempts, 1u);
    EXPECT_EQ(retries, 0);
    EXPECT_EQ(diag.retry_after, 30s);
}

TEST_F(ClientTest, OverloadedAnswersAreRetried) {
    server_cfg.faults.http_503_rate = 0.3;
    server_cfg.seed = 7;
    start_server();
    opts.retries.max_attempts = 8; // 0.3^8: a request failing every attempt is very unlikely
    auto c = make_client();
    for (int i = 0; i < 5; ++i) {
        auto [ec, r] =
            complete<result>([&](auto h) { c->async_run(simple(), text_input{sample_text}, h); });
        ASSERT_FALSE(ec) << ec.message();
    }
    EXPECT_GT(c->counters().retries, 0u);
}

TEST_F(ClientTest, LostSubmitAnswerIsAnUnknownOutcome) {
    server_cfg.faults.reset_rate = 1.0;
    start_server();
    auto c = make_client();
    diagnostics diag;
    auto [ec, t] = complete<task>(
        [&](auto h) { c->async_submit(simple(), text_input{sample_text}, diag, h); });
    EXPECT_EQ(ec, errc::unknown_submission_outcome);
    EXPECT_TRUE(diag.request_sent);
    // Never resent: the service saw exactly one submit.
    EXPECT_EQ(server_stats().at("submits"), 1);
}

TEST_F(ClientTest, ResubmissionIsAnOptIn) {
    // The first submit's answer is lost after its task exists (a scheduled
    // fault: exactly that request, whatever the seed).
    server_cfg.faults.scheduled = {emulator::scheduled_fault::parse("reset:first-post")};
    start_server();
    opts.retries.resubmit_when_unsure = true;
    auto c = make_client();
    int retries = 0;
    c->set_observer({.on_retry = [&](const retry_event&) { ++retries; }});
    diagnostics diag;
    auto [ec, t] = complete<task>(
        [&](auto h) { c->async_submit(simple(), text_input{sample_text}, diag, h); });
    ASSERT_FALSE(ec) << ec.message(); // opted in: the lost answer is sent again
    EXPECT_EQ(retries, 1);
    EXPECT_EQ(diag.attempts, 2u);
    // The resubmission made a second task of the same input: the price of opting in.
    const auto stats = server_stats();
    EXPECT_EQ(stats.at("submits"), 2);
    EXPECT_EQ(stats.at("duplicate_submits"), 1);
    EXPECT_EQ(stats.at("faults").at("resets"), 1);
}

TEST_F(ClientTest, LostStatusAnswersAreRetried) {
    start_server();
    auto c = make_client();
    auto [ec, t] =
        complete<task>([&](auto h) { c->async_submit(simple(), text_input{sample_text}, h); });
    ASSERT_FALSE(ec);
    // A canned server that resets every GET: retried up to max_attempts, then a transport error.
    canned_server resetting("");
    opts.base_url = resetting.base_url();
    opts.retries.max_attempts = 3;
    auto c2 = make_client();
    diagnostics diag;
    auto [sec, s] = complete<task_status>([&](auto h) { c2->async_status(t, diag, h); });
    EXPECT_TRUE(sec);
    EXPECT_EQ(resetting.requests(), 3);
    EXPECT_EQ(diag.attempts, 3u);
}

TEST_F(ClientTest, ConnectionRefusedIsRetriedThenReported) {
    canned_server closed("");
    opts.base_url = "http://127.0.0.1:1"; // nothing listens on port 1
    opts.retries.max_attempts = 3;
    auto c = make_client();
    diagnostics diag;
    auto [ec, t] = complete<task>(
        [&](auto h) { c->async_submit(simple(), text_input{sample_text}, diag, h); });
    EXPECT_EQ(ec, boost::asio::error::connection_refused);
    EXPECT_FALSE(diag.request_sent); // nothing was sent, so retrying the POST was safe
    EXPECT_EQ(diag.attempts, 3u);
}

constexpr const char* uuid = "0b9a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d";

TEST_F(ClientTest, MalformedJsonIsABadResponse) {
    canned_server bad(raw_reply("{\"status\": \"QUEU"));
    opts.base_url = bad.base_url();
    auto c = make_client();
    diagnostics diag;
    auto [ec, s] = complete<task_status>([&](auto h) { c->async_status(task(uuid), diag, h); });
    EXPECT_EQ(ec, errc::bad_response);
    EXPECT_NE(diag.message.find("JSON"), std::string::npos);
}

TEST_F(ClientTest, WrongShapeIsABadResponse) {
    canned_server odd(raw_reply(
        R"({"task_id":"0b9a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d","status":"COMPLETED","result":42})"));
    opts.base_url = odd.base_url();
    auto c = make_client();
    auto [ec, s] = complete<task_status>([&](auto h) { c->async_status(task(uuid), h); });
    EXPECT_EQ(ec, errc::bad_response);
}

TEST_F(ClientTest, TruncatedBodyIsATransportError) {
    canned_server truncated(
        raw_reply(R"({"task_id":"0b9a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d","status":"RUNNING"})", 500));
    opts.base_url = truncated.base_url();
    opts.retries.max_attempts = 2;
    auto c = make_client();
    auto [ec, s] = complete<task_status>([&](auto h) { c->async_status(task(uuid), h); });
    EXPECT_EQ(ec, boost::beast::http::error::partial_message);
    EXPECT_EQ(truncated.requests(), 2);
}

TEST_F(ClientTest, UnknownStatusCountsAsPending) {
    canned_server odd(
        raw_reply(R"({"task_id":"0b9a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d","status":"PAUSED"})"));
    opts.base_url = odd.base_url();
    opts.polling.max_polls = 3;
    auto c = make_client();
    diagnostics diag;
    auto [ec, r] =
        complete<result>([&](auto h) { c->async_wait(task(uuid), std::nullopt, diag, h); });
    EXPECT_EQ(ec, errc::polling_exhausted);
    EXPECT_EQ(diag.polls, 3u);
    EXPECT_EQ(diag.task_id, uuid);
}

TEST_F(ClientTest, TaskIdsThatAreNotUuidsNeverReachAUrl) {
    canned_server any(raw_reply(R"({"task_id":"abc","status":"RUNNING"})"));
    opts.base_url = any.base_url();
    auto c = make_client();
    for (const char* bad :
         {"abc", "../../../v0/pipeline?steal=1", "abc HTTP/1.1\r\nX-Injected: 1\r\n\r\nGET /x",
          "0b9a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d\n"}) {
        diagnostics diag;
        auto [ec, s] = complete<task_status>([&](auto h) { c->async_status(task(bad), diag, h); });
        EXPECT_EQ(ec, errc::invalid_argument) << bad;
        EXPECT_TRUE(diag.task_id.empty()) << "an id that is refused is not echoed";
    }
    EXPECT_EQ(any.requests(), 0); // nothing was sent
}

TEST_F(ClientTest, ASubmitAnsweredWithAnIdThatIsNotAUuidIsABadResponse) {
    for (const char* id : {R"(x\nF 7)", "../..", "abc"}) {
        canned_server odd(raw_reply(std::string(R"({"task_id":")") + id + R"("})"));
        opts.base_url = odd.base_url();
        auto c = make_client();
        diagnostics diag;
        auto [ec, t] = complete<task>(
            [&](auto h) { c->async_submit(pipeline{}.keywords(), text_input{"x"}, diag, h); });
        EXPECT_EQ(ec, errc::bad_response) << id;
        EXPECT_TRUE(t.empty());
        EXPECT_NE(diag.message.find("not a UUID"), std::string::npos) << diag.message;
    }
}

TEST_F(ClientTest, UpperCaseTaskIdsKeepTheirCase) {
    const std::string upper = "0B9A1C2D-3E4F-4A5B-8C6D-7E8F9A0B1C2D";
    canned_server answers(raw_reply(R"({"task_id":")" + upper + R"(","status":"RUNNING"})"));
    opts.base_url = answers.base_url();
    auto c = make_client();
    std::string target;
    c->set_observer({.on_request = [&](const request_event& e) { target = e.target; }});
    auto [ec, s] = complete<task_status>([&](auto h) { c->async_status(task(upper), h); });
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_NE(target.find(upper), std::string::npos) << target;

    // The poll scheduler stores ids as 16 bytes, and still sends them back as given.
    target.clear();
    const std::string mixed = "0b9A1c2D-3e4F-4a5B-8c6D-7e8F9a0B1c2D";
    poll_scheduler scheduler(*c, {}, [](poll_scheduler::completion&&) {});
    poll_policy once;
    once.initial_delay = std::chrono::milliseconds(0);
    once.max_polls = 1;
    scheduler.add(task(mixed), 1, once);
    io.restart();
    while (target.empty() && io.run_one() > 0) {
    }
    EXPECT_NE(target.find(mixed), std::string::npos) << target;
}

TEST_F(ClientTest, SlowServerMeetsTheDeadline) {
    server_cfg.latency = emulator::latency_model::fixed(1h); // only the deadline can end it
    start_server();
    opts.task_deadline = 300ms;
    auto c = make_client();
    diagnostics diag;
    const auto started = std::chrono::steady_clock::now();
    auto [ec, r] =
        complete<result>([&](auto h) { c->async_run(simple(), text_input{sample_text}, diag, h); });
    EXPECT_EQ(ec, errc::deadline_exceeded);
    EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms); // not before it expired
    // Stopping is not failing: the task is still there to wait on.
    ASSERT_FALSE(diag.task_id.empty());
    auto [sec, s] = complete<task_status>([&](auto h) { c->async_status(task(diag.task_id), h); });
    ASSERT_FALSE(sec);
    EXPECT_EQ(s.state, task_state::running);
}

TEST_F(ClientTest, ShutdownEndsEveryOperation) {
    server_cfg.latency = emulator::latency_model::fixed(1h);
    start_server();
    auto c = make_client();
    std::vector<error_code> results;
    // Shut down once every run is waiting on its task (each was polled once).
    std::set<std::string> polled;
    c->set_observer({.on_poll = [&](const poll_event& e) {
        if (polled.insert(std::string(e.task_id)).second && polled.size() == 3)
            boost::asio::post(io, [&] { c->shutdown(); });
    }});
    for (int i = 0; i < 3; ++i)
        c->async_run(simple(), text_input{"Text " + std::to_string(i) + " here."},
                     [&](error_code ec, result) { results.push_back(ec); });
    io.run();
    EXPECT_EQ(polled.size(), 3u);
    ASSERT_EQ(results.size(), 3u);
    for (auto ec : results)
        EXPECT_EQ(ec, errc::client_shutdown);
    auto [ec, t] =
        complete<task>([&](auto h) { c->async_submit(simple(), text_input{sample_text}, h); });
    EXPECT_EQ(ec, errc::client_shutdown);
}

TEST_F(ClientTest, AServerThatNeverAnswersTimesOutEveryAttempt) {
    // Accepts, reads nothing, answers nothing: only the request timeout ends it.
    namespace asio = boost::asio;
    asio::ip::tcp::acceptor silent(io, {asio::ip::address_v4::loopback(), 0});
    std::vector<asio::ip::tcp::socket> held;
    std::function<void()> accept = [&] {
        silent.async_accept([&](error_code ec, asio::ip::tcp::socket s) {
            if (!ec) {
                held.push_back(std::move(s));
                accept();
            }
        });
    };
    accept();
    opts.base_url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port());
    opts.request_timeout = std::chrono::milliseconds(200);
    opts.retries.max_attempts = 2;
    auto c = make_client();
    diagnostics diag;
    const auto started = std::chrono::steady_clock::now();
    auto [ec, s] = complete<task_status>(
        [&](auto h) { c->async_status(task("5a7c52b3-3bd5-4b1e-9f37-9f1e0c6f1d2a"), diag, h); });
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(ec, boost::beast::error::timeout) << ec.message();
    EXPECT_EQ(diag.attempts, 2u);
    EXPECT_GE(took, std::chrono::milliseconds(400)); // two whole timeouts
    EXPECT_EQ(held.size(), 2u); // a connection that timed out is never used again
}

TEST_F(ClientTest, HeaderValuesWithLineBreaksAreRefusedWithoutShowingTheKey) {
    start_server();
    opts.api_key = "secret-key\r\nX-Injected: 1";
    try {
        make_client();
        ADD_FAILURE() << "a key with a line break was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
    }
    opts.api_key = "test-key";
    opts.user_agent = std::string("agent\0x", 7);
    EXPECT_THROW(make_client(), std::invalid_argument);
    // A host decoded from %-escapes into a header line is refused too.
    opts.user_agent.clear();
    opts.base_url = "http://localhost%0D%0AX-Injected%3A%201:8080/";
    EXPECT_THROW(make_client(), std::invalid_argument);
}

TEST_F(ClientTest, TheHostHeaderCarriesThePortAndTheKeyIsTrimmed) {
    std::string request;
    canned_server raw(
        raw_reply(R"({"task_id":"5a7c52b3-3bd5-4b1e-9f37-9f1e0c6f1d2a","status":"RUNNING"})"));
    opts.base_url = raw.base_url();
    opts.api_key = "  test-key\t";
    auto c = make_client();
    diagnostics diag;
    auto [ec, s] = complete<task_status>(
        [&](auto h) { c->async_status(task("5a7c52b3-3bd5-4b1e-9f37-9f1e0c6f1d2a"), diag, h); });
    ASSERT_FALSE(ec) << ec.message() << " " << diag.message;
    const std::string seen = raw.last_request();
    EXPECT_NE(seen.find("\r\nHost: 127.0.0.1:" + std::to_string(raw.port()) + "\r\n"),
              std::string::npos)
        << seen;
    EXPECT_NE(seen.find("\r\napi-key: test-key\r\n"), std::string::npos) << seen;
    EXPECT_EQ(seen.find("Content-Length"), std::string::npos) << seen; // a GET has no body
}

TEST_F(ClientTest, InterimResponsesBeforeTheAnswerAreSkipped) {
    // A CDN's 103 Early Hints (and a 100 Continue) come before the real answer.
    const std::string interim = "HTTP/1.1 100 Continue\r\n\r\n"
                                "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n";
    canned_server submits(
        interim + raw_reply(std::string(R"({"status":"QUEUED","task_id":")") + uuid + "\"}"));
    opts.base_url = submits.base_url();
    auto c = make_client();
    diagnostics diag;
    auto [ec, t] = complete<task>(
        [&](auto h) { c->async_submit(simple(), text_input{sample_text}, diag, h); });
    ASSERT_FALSE(ec) << ec.message() << " " << diag.to_string();
    EXPECT_EQ(t.id(), uuid);
    EXPECT_EQ(submits.requests(), 1);
}

TEST_F(ClientTest, AConnectionIsReusedOnlyAfterACleanAnswer) {
    const std::string running = std::string(R"({"task_id":")") + uuid + R"(","status":"RUNNING"})";
    auto two_polls = [&](canned_server& server) {
        opts.base_url = server.base_url();
        auto c = make_client();
        for (int i = 0; i < 2; ++i) {
            auto [ec, s] = complete<task_status>([&](auto h) { c->async_status(task(uuid), h); });
            EXPECT_FALSE(ec) << ec.message();
        }
        return server.connections();
    };
    canned_server clean(raw_reply(running, -1, true), true);
    EXPECT_EQ(two_polls(clean), 1); // kept alive: one connection
    // An unsolicited second answer after the first: the connection's state is
    // unknown, so it is closed and a new one opened.
    canned_server extra(raw_reply(running, -1, true) + raw_reply(running, -1, true), true);
    EXPECT_EQ(two_polls(extra), 2);
    // Connection: close is honoured even when the server keeps the socket open.
    canned_server closing(raw_reply(running, -1, false), true);
    EXPECT_EQ(two_polls(closing), 2);
}

TEST_F(ClientTest, ARunHasOneDeadlineForItsSubmitAndItsWait) {
    // A submit that takes 400 ms (held up in the observer before it is sent)
    // and a task of 400 ms, under a 600 ms deadline: each fits alone, both do
    // not. The hold is the stimulus, not a wait for an event: it has to come
    // before the task exists (the emulator's slow fault holds the answer
    // after, while the task runs), and a busy machine only adds to it.
    server_cfg.latency = emulator::latency_model::fixed(400ms);
    start_server();
    opts.task_deadline = 600ms;
    auto bounded = make_client();
    bool delayed = false;
    bounded->set_observer({.on_request = [&](const request_event& e) {
        if (!delayed && e.method == "POST") { // the submit goes out late
            delayed = true;
            std::this_thread::sleep_for(400ms);
        }
    }});
    diagnostics diag;
    auto [ec, r] = complete<result>(
        [&](auto h) { bounded->async_run(simple(), text_input{sample_text}, diag, h); });
    EXPECT_TRUE(delayed);
    EXPECT_EQ(ec, errc::deadline_exceeded) << ec.message() << " " << diag.to_string();
}
