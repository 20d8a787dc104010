// Servers that hang: one that accepts and never answers (the request
// timeout ends each attempt), one whose connects never complete (the connect
// timeout does), and a run whose deadline expires while a request is in
// flight. Each ends with its exact error, and nothing waits a guessed time.

#include "../support/cancel_cases.hpp"
#include "../support/client_fixture.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>

#include <functional>

using namespace oneai;
using namespace oneai::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

const std::string uuid = "5a7c52b3-3bd5-4b1e-9f37-9f1e0c6f1d2a";

// Accepts every connection on the test's io_context, then reads and answers nothing.
class silent_server {
  public:
    explicit silent_server(asio::io_context& io)
        : acceptor_(io, {asio::ip::address_v4::loopback(), 0}) {
        accept();
    }
    std::string base_url() const {
        return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
    }
    std::size_t connections() const { return held_.size(); }

  private:
    void accept() {
        acceptor_.async_accept([this](error_code ec, asio::ip::tcp::socket s) {
            if (ec)
                return;
            held_.push_back(std::move(s));
            accept();
        });
    }
    asio::ip::tcp::acceptor acceptor_;
    std::vector<asio::ip::tcp::socket> held_;
};

// A listening socket whose accept queue is full and never drained: the
// kernel drops further SYNs, so a connect neither succeeds nor fails.
class full_backlog {
  public:
    explicit full_backlog(asio::io_context& io) : acceptor_(io), filler_(io) {
        acceptor_.open(asio::ip::tcp::v4());
        acceptor_.bind({asio::ip::address_v4::loopback(), 0});
        acceptor_.listen(0); // room for one connection, taken by the filler
        filler_.connect(acceptor_.local_endpoint());
    }
    std::string base_url() const {
        return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
    }

  private:
    asio::ip::tcp::acceptor acceptor_;
    asio::ip::tcp::socket filler_;
};

} // namespace

TEST_F(ClientTest, ASubmitToAServerThatNeverAnswersIsAnUnknownOutcome) {
    // The request went out and no answer came: it may have been acted on, so
    // the request timeout ends it as unknown, after one attempt.
    silent_server silent(io);
    opts.base_url = silent.base_url();
    opts.request_timeout = 200ms;
    auto c = make_client();
    diagnostics diag;
    auto [ec, t] = complete<task>(
        [&](auto h) { c->async_submit(simple(), text_input{sample_text}, diag, h); });
    EXPECT_EQ(ec, errc::unknown_submission_outcome) << ec.message();
    EXPECT_TRUE(diag.request_sent);
    EXPECT_EQ(diag.attempts, 1u);
    EXPECT_EQ(silent.connections(), 1u);
}

TEST_F(ClientTest, AStatusRequestToAServerThatNeverAnswersTimesOutEachAttempt) {
    silent_server silent(io);
    opts.base_url = silent.base_url();
    opts.request_timeout = 100ms;
    opts.retries.max_attempts = 3;
    auto c = make_client();
    diagnostics diag;
    auto [ec, s] = complete<task_status>([&](auto h) { c->async_status(task(uuid), diag, h); });
    EXPECT_EQ(ec, boost::beast::error::timeout) << ec.message();
    EXPECT_EQ(diag.attempts, 3u);
    EXPECT_EQ(silent.connections(), 3u); // a connection that timed out is never reused
}

TEST_F(ClientTest, AConnectThatNeverCompletesEndsAtTheConnectTimeout) {
    full_backlog hanging(io);
    opts.base_url = hanging.base_url();
    opts.connect_timeout = 150ms;
    opts.request_timeout = 1h; // not the timeout that ends it
    opts.retries.max_attempts = 2;
    auto c = make_client();
    diagnostics diag;
    // A guard, not a measure: should the connect timeout be ignored, the
    // test fails with deadline_exceeded instead of hanging for minutes.
    auto [ec, t] = complete<task>([&](auto h) {
        c->async_submit(simple(), text_input{sample_text}, diag,
                        with_deadline(io.get_executor(), 30s, h));
    });
    EXPECT_EQ(ec, boost::beast::error::timeout) << ec.message();
    EXPECT_FALSE(diag.request_sent); // never connected: trying the submit again was safe
    EXPECT_EQ(diag.attempts, 2u);
    EXPECT_EQ(c->counters().connections_opened, 0u);
}

TEST_F(ClientTest, ARunDeadlineExpiringDuringItsSubmitLeavesTheOutcomeUnknown) {
    server_cfg.faults.scheduled = {emulator::scheduled_fault::parse("slow:first-post")};
    server_cfg.faults.slow_delay = 1h;
    start_server();
    // Time enough to connect and send on a busy machine: the deadline must
    // meet the submit after it went out, never before.
    opts.task_deadline = 1s;
    auto c = make_client();
    diagnostics diag;
    auto [ec, r] =
        complete<result>([&](auto h) { c->async_run(simple(), text_input{sample_text}, diag, h); });
    EXPECT_EQ(ec, errc::unknown_submission_outcome) << ec.message();
    EXPECT_TRUE(diag.request_sent);
    EXPECT_EQ(diag.attempts, 1u);
    EXPECT_EQ(server_stats().at("submits"), 1);
}

TEST_F(ClientTest, ARunDeadlineExpiringDuringAStatusRequest) {
    // The first poll's answer is held back past the run's deadline.
    server_cfg.faults.scheduled = {emulator::scheduled_fault::parse("slow:first-get")};
    server_cfg.faults.slow_delay = 1h;
    start_server();
    // Time enough for the submit (30 ms of processing) and the first poll to
    // go out on a busy machine: the deadline must meet that poll in flight.
    opts.task_deadline = 1s;
    auto c = make_client();
    int gets_sent = 0, polls_answered = 0;
    c->set_observer({.on_request =
                         [&](const request_event& e) {
                             if (e.method == "GET")
                                 ++gets_sent;
                         },
                     .on_poll = [&](const poll_event&) { ++polls_answered; }});
    diagnostics diag;
    auto [ec, r] =
        complete<result>([&](auto h) { c->async_run(simple(), text_input{sample_text}, diag, h); });
    EXPECT_EQ(ec, errc::deadline_exceeded) << ec.message();
    EXPECT_EQ(gets_sent, 1);            // the deadline met that request in flight...
    EXPECT_EQ(polls_answered, 0);       // ...which never got its answer
    EXPECT_FALSE(diag.task_id.empty()); // the task is there to wait on later
    EXPECT_EQ(server_stats().at("submits"), 1);
    EXPECT_EQ(server_stats().at("polls"), 1);
}
