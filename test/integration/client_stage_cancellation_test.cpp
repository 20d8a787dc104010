// Cancellation at the stages a timer-driven test never reaches: a submit
// whose bytes the server has already acted on, and a wait whose status
// request is in flight. The emulator's slow fault holds the answer back, and
// the cancellation is emitted when the emulator's counters show the request
// arrived, never after a guessed time.

#include "../support/cancel_cases.hpp"
#include "../support/client_fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>

using namespace oneai;
using namespace oneai::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

class StageCancellationTest : public ClientTest {
  protected:
    /// Starts `op` bound to a signal, emits `type` as soon as `ready()` holds
    /// (checked every millisecond on the client's io_context), and runs until
    /// the operation completes. `emitted` tells whether the signal went out
    /// before the operation completed.
    template <typename T, typename Op>
    std::pair<error_code, T> cancel_when(Op op, asio::cancellation_type type,
                                         std::function<bool()> ready, bool& emitted) {
        asio::cancellation_signal signal;
        std::optional<std::pair<error_code, T>> out;
        emitted = false;
        op(asio::bind_cancellation_slot(
            signal.slot(), [&](error_code ec, T v) { out.emplace(ec, std::move(v)); }));
        asio::steady_timer check(io);
        std::function<void()> watch = [&] {
            check.expires_after(1ms);
            check.async_wait([&](error_code ec) {
                if (ec || out)
                    return;
                if (!ready())
                    return watch();
                emitted = true;
                signal.emit(type);
            });
        };
        watch();
        io.restart();
        while (!out && io.run_one() > 0) {
        }
        check.cancel();
        io.restart();
        io.poll(); // the watcher's cancelled wait
        EXPECT_TRUE(out.has_value()) << "the operation never completed";
        return out ? std::move(*out) : std::pair<error_code, T>{};
    }

    std::int64_t counter(const char* name) {
        return server_stats().at(name).to_number<std::int64_t>();
    }
};

TEST_F(StageCancellationTest, ASubmitCancelledAfterTheServerHasItIsTotalProofOnly) {
    // The first submit's answer is held back once its task exists. Total
    // cancellation promises no side effect, which can no longer be kept, so it
    // is ignored and the submit completes; partial and terminal stop it, and
    // say the request was sent. The service saw one submit each time.
    for (const auto& c : all_types) {
        const bool total = c.type == asio::cancellation_type::total;
        server_cfg.faults.scheduled = {emulator::scheduled_fault::parse("slow:first-post")};
        // Total waits the held answer out. Should a partial or terminal
        // cancellation not reach the request in flight, its answer comes after
        // 20 s (no request timeout ends it first) and the submit succeeds.
        server_cfg.faults.slow_delay = total ? 1s : 20s;
        opts.request_timeout = 1h;
        start_server();
        auto cl = make_client();
        diagnostics diag;
        bool emitted = false;
        auto [ec, t] = cancel_when<task>(
            [&](auto h) { cl->async_submit(simple(), text_input{sample_text}, diag, h); }, c.type,
            [&] { return counter("submits") == 1; }, emitted);
        EXPECT_TRUE(emitted) << c.name << ": the answer came before the cancellation";
        if (total) {
            EXPECT_FALSE(ec) << c.name << ": " << ec.message();
            EXPECT_FALSE(t.empty()) << c.name;
            EXPECT_EQ(diag.task_id, t.id()) << c.name;
        } else {
            EXPECT_EQ(ec, asio::error::operation_aborted) << c.name << ": " << ec.message();
            EXPECT_TRUE(diag.request_sent) << c.name;
            EXPECT_TRUE(diag.task_id.empty()) << c.name; // its answer never came
        }
        EXPECT_EQ(counter("submits"), 1) << c.name;
        EXPECT_EQ(server_stats().at("faults").at("slow"), 1) << c.name;
    }
}

TEST_F(StageCancellationTest, ARunCancelledWhileItsSubmitIsAnsweredSlowly) {
    // The same stage inside async_run: total lets the run finish (the task
    // exists), partial and terminal stop it with the request marked as sent.
    for (const auto& c : all_types) {
        const bool total = c.type == asio::cancellation_type::total;
        server_cfg.faults.scheduled = {emulator::scheduled_fault::parse("slow:first-post")};
        server_cfg.faults.slow_delay = total ? 1s : 20s; // as above
        opts.request_timeout = 1h;
        start_server();
        auto cl = make_client();
        diagnostics diag;
        bool emitted = false;
        auto [ec, r] = cancel_when<result>(
            [&](auto h) { cl->async_run(simple(), text_input{sample_text}, diag, h); }, c.type,
            [&] { return counter("submits") == 1; }, emitted);
        EXPECT_TRUE(emitted) << c.name;
        if (total) {
            EXPECT_FALSE(ec) << c.name << ": " << ec.message();
            EXPECT_TRUE(r.summary().has_value()) << c.name;
        } else {
            EXPECT_EQ(ec, asio::error::operation_aborted) << c.name << ": " << ec.message();
            EXPECT_TRUE(diag.request_sent) << c.name;
        }
        EXPECT_EQ(counter("submits"), 1) << c.name;
    }
}

TEST_F(StageCancellationTest, AWaitCancelledWhileAStatusRequestIsInFlight) {
    // The first status request's answer is held back; the wait is cancelled
    // once the emulator has counted that poll, so the cancellation meets the
    // request in flight, not a timer between polls.
    for (const auto& c : all_types) {
        server_cfg.faults.scheduled = {emulator::scheduled_fault::parse("slow:first-get")};
        // Should the cancellation not reach the request in flight, its answer
        // comes after 20 s (no request timeout ends it first) and the wait
        // goes on to complete.
        server_cfg.faults.slow_delay = 20s;
        opts.request_timeout = 1h;
        start_server();
        auto cl = make_client();
        auto [sec, t] =
            complete<task>([&](auto h) { cl->async_submit(simple(), text_input{sample_text}, h); });
        ASSERT_FALSE(sec) << sec.message();
        int gets_sent = 0, polls_answered = 0;
        cl->set_observer({.on_request =
                              [&](const request_event& e) {
                                  if (e.method == "GET")
                                      ++gets_sent;
                              },
                          .on_poll = [&](const poll_event&) { ++polls_answered; }});
        diagnostics diag;
        bool emitted = false;
        auto [ec, r] =
            cancel_when<result>([&](auto h) { cl->async_wait(t, std::nullopt, diag, h); }, c.type,
                                [&] { return counter("polls") == 1; }, emitted);
        EXPECT_TRUE(emitted) << c.name;
        EXPECT_EQ(ec, asio::error::operation_aborted) << c.name << ": " << ec.message();
        EXPECT_EQ(gets_sent, 1) << c.name;
        EXPECT_EQ(polls_answered, 0) << c.name; // stopped in flight
        EXPECT_EQ(diag.task_id, t.id()) << c.name;
        // The task is untouched: a later wait (its polls no longer held) completes.
        auto [wec, done] = complete<result>([&](auto h) { cl->async_wait(t, h); });
        EXPECT_FALSE(wec) << c.name << ": " << wec.message();
        EXPECT_EQ(counter("submits"), 1) << c.name;
    }
}
