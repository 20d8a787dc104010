// The client as an Asio I/O object: a default completion token through
// as_default_on, completion tokens checked against each operation's
// signature, async_wait filling diagnostics, and moving a client.

#include "../support/client_fixture.hpp"

#include <oneai/load/load_generator.hpp>
#include <oneai/poll_scheduler.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>

using namespace oneai;
using namespace oneai::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

pipeline summary_pipeline() {
    return pipeline{}.summarize().names();
}

using awaitable_client = asio::use_awaitable_t<>::as_default_on_t<client>;

// Whether `async_run(pipeline, input, token)` accepts a token of type Token.
template <typename Client, typename Token>
concept runs_with = requires(Client& c, pipeline p, input in, Token token) {
    c.async_run(std::move(p), std::move(in), std::move(token));
};
// Whether `async_run(pipeline, input)` compiles: a default completion token.
template <typename Client>
concept runs_without_token = requires(Client& c, pipeline p, input in) {
    c.async_run(std::move(p), std::move(in));
};
// Whether `async_status(task, token)` accepts a token of type Token.
template <typename Client, typename Token>
concept asks_status_with = requires(Client& c, task t, Token token) {
    c.async_status(std::move(t), std::move(token));
};

struct result_handler {
    void operator()(error_code, result) {}
};
struct task_handler {
    void operator()(error_code, task) {}
};

// Tokens are checked against each operation's completion signature.
static_assert(runs_with<client, result_handler>);
static_assert(!runs_with<client, task_handler>, "a handler of the wrong signature is refused");
static_assert(!asks_status_with<client, result_handler>);
static_assert(runs_with<client, decltype(asio::use_awaitable)>);
static_assert(runs_with<client, decltype(asio::deferred)>);
static_assert(runs_with<client, decltype(with_diagnostics(asio::use_awaitable))>);
static_assert(
    runs_with<client, decltype(with_deadline(asio::any_io_executor{}, 1s, asio::use_awaitable))>);
// A plain client has no default token; one rebound with as_default_on does.
static_assert(!runs_without_token<client>);
static_assert(runs_without_token<awaitable_client>);
static_assert(
    std::is_same_v<awaitable_client::executor_type,
                   asio::use_awaitable_t<>::executor_with_default<asio::any_io_executor>>);
// Movable, not copyable.
static_assert(std::is_nothrow_move_constructible_v<client>);
static_assert(std::is_move_assignable_v<client>);
static_assert(!std::is_copy_constructible_v<client>);

} // namespace

TEST_F(ClientTest, AsDefaultOnUseAwaitableNeedsNoToken) {
    start_server();
    auto c = asio::use_awaitable.as_default_on(client{io.get_executor(), opts});
    std::optional<result> ran;
    std::optional<task_status> asked;
    std::optional<result> waited;
    diagnostics wait_diag;
    auto body = [&]() -> asio::awaitable<void> {
        const pipeline p = summary_pipeline();
        input in = text_input{sample_text};
        ran = co_await c.async_run(p, in);
        task t = co_await c.async_submit(p, in);
        asked = co_await c.async_status(t);
        waited = co_await c.async_wait(t, wait_diag);
    };
    std::exception_ptr failure;
    asio::co_spawn(io, body(), [&](std::exception_ptr e) { failure = e; });
    io.run();
    ASSERT_FALSE(failure) << "an operation threw";
    ASSERT_TRUE(ran.has_value());
    EXPECT_EQ(ran->summary(), "Maria Lopez met the board in London on Tuesday.");
    ASSERT_TRUE(asked.has_value());
    EXPECT_FALSE(asked->task.empty());
    ASSERT_TRUE(waited.has_value());
    EXPECT_EQ(waited->summary(), ran->summary());
    EXPECT_EQ(wait_diag.task_id, asked->task.id());
    EXPECT_EQ(c.counters().submits, 2u);
}

TEST_F(ClientTest, AsDefaultOnUseAwaitableThrowsTheErrorCode) {
    server_cfg.faults.task_failure_rate = 1.0;
    start_server();
    auto c = asio::use_awaitable.as_default_on(client{io.get_executor(), opts});
    std::optional<error_code> caught;
    auto body = [&]() -> asio::awaitable<void> {
        const pipeline p = summary_pipeline();
        input in = text_input{sample_text};
        try {
            co_await c.async_run(p, in);
        } catch (const boost::system::system_error& e) {
            caught = e.code();
        }
    };
    asio::co_spawn(io, body(), asio::detached);
    io.run();
    ASSERT_TRUE(caught.has_value());
    EXPECT_EQ(*caught, errc::task_failed);
}

TEST_F(ClientTest, WaitWithDiagnosticsFillsThem) {
    start_server();
    auto c = make_client();
    auto [sec, t] = complete<task>(
        [&](auto h) { c->async_submit(summary_pipeline(), text_input{sample_text}, h); });
    ASSERT_FALSE(sec) << sec.message();
    diagnostics diag;
    diag.message = "left over from an earlier use"; // cleared when the wait starts
    auto [ec, r] = complete<result>([&](auto h) { c->async_wait(t, diag, h); });
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(r.summary(), "Maria Lopez met the board in London on Tuesday.");
    EXPECT_EQ(diag.task_id, t.id());
    EXPECT_GE(diag.polls, 1u);
    EXPECT_EQ(diag.http_status, 200u);
    EXPECT_EQ(diag.request_id.size(), 36u);
    EXPECT_TRUE(diag.message.empty());
}

TEST_F(ClientTest, WaitWithDiagnosticsReportsAFailedTask) {
    server_cfg.faults.task_failure_rate = 1.0;
    start_server();
    auto c = make_client();
    auto [sec, t] = complete<task>(
        [&](auto h) { c->async_submit(summary_pipeline(), text_input{sample_text}, h); });
    ASSERT_FALSE(sec) << sec.message();
    diagnostics diag;
    auto [ec, r] = complete<result>([&](auto h) { c->async_wait(t, diag, h); });
    EXPECT_EQ(ec, errc::task_failed);
    EXPECT_EQ(diag.api_code, 50000);
    EXPECT_FALSE(diag.message.empty());
    EXPECT_EQ(diag.task_id, t.id());
}

TEST_F(ClientTest, MovedClientKeepsItsOperationInFlight) {
    start_server();
    auto from = make_client();
    std::optional<std::pair<error_code, result>> out;
    from->async_run(summary_pipeline(), text_input{sample_text},
                    [&](error_code ec, result r) { out.emplace(ec, std::move(r)); });
    client to{std::move(*from)};
    from.reset(); // a moved-from client's destruction shuts nothing down
    while (!out && io.run_one() > 0) {
    }
    ASSERT_TRUE(out.has_value()) << "the operation never completed";
    ASSERT_FALSE(out->first) << out->first.message();
    EXPECT_EQ(out->second.summary(), "Maria Lopez met the board in London on Tuesday.");
    EXPECT_EQ(to.counters().completed, 1u);

    // The client it moved into works as the first did.
    io.restart();
    auto [ec, r] = complete<result>(
        [&](auto h) { to.async_run(summary_pipeline(), text_input{sample_text}, h); });
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(to.counters().completed, 2u);
}

TEST_F(ClientTest, MoveAssignmentShutsTheOldClientDown) {
    server_cfg.latency = emulator::latency_model::fixed(1h); // never finishes on its own
    start_server();
    client target{io.get_executor(), opts};
    std::optional<error_code> old_outcome;
    target.async_run(summary_pipeline(), text_input{sample_text},
                     [&](error_code ec, result) { old_outcome = ec; });
    client source{io.get_executor(), opts};
    target = std::move(source);
    while (!old_outcome && io.run_one() > 0) {
    }
    ASSERT_TRUE(old_outcome.has_value());
    EXPECT_EQ(*old_outcome, errc::client_shutdown);

    // The target now is the source's client: its counters, its operations.
    server_cfg.latency = emulator::latency_model::fixed(30ms);
    start_server();
    client quick{io.get_executor(), opts};
    target = std::move(quick);
    auto [ec, r] = complete<result>(
        [&](auto h) { target.async_run(summary_pipeline(), text_input{sample_text}, h); });
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(target.counters().completed, 1u);
}

TEST_F(ClientTest, ADeferredOperationRunsOnTheClientItWasMadeOnAfterAMove) {
    start_server();
    client from{io.get_executor(), opts};
    auto op = from.async_run(summary_pipeline(), text_input{sample_text}, asio::deferred);
    client to{std::move(from)};
    std::optional<std::pair<error_code, result>> out;
    std::move(op)([&](error_code ec, result r) { out.emplace(ec, std::move(r)); });
    while (!out && io.run_one() > 0) {
    }
    ASSERT_TRUE(out.has_value()) << "the operation never completed";
    ASSERT_FALSE(out->first) << out->first.message();
    EXPECT_EQ(out->second.summary(), "Maria Lopez met the board in London on Tuesday.");
    EXPECT_EQ(to.counters().completed, 1u);
}

TEST_F(ClientTest, AMovedFromClientsOperationFailsWithClientShutdown) {
    start_server();
    client from{io.get_executor(), opts};
    client to{std::move(from)};
    auto [ec, r] = complete<result>(
        [&](auto h) { from.async_run(summary_pipeline(), text_input{sample_text}, h); });
    EXPECT_EQ(ec, errc::client_shutdown);
    EXPECT_EQ(server_stats().at("submits"), 0);
}

TEST_F(ClientTest, AGeneratorKeepsWorkingWhenItsClientMoves) {
    start_server();
    client from{io.get_executor(), opts};
    load::load_generator generator{from};
    client to{std::move(from)};
    load::load_options o;
    o.pipeline = summary_pipeline();
    o.inputs = {text_input{sample_text}};
    o.concurrency = 2; // closed loop
    o.requests = 4;
    auto [ec, report] =
        complete<load::load_report>([&](auto h) { generator.async_run(o, std::move(h)); });
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(report.completed(), 4u);
}

TEST_F(ClientTest, ATaskAddedToASchedulerOfAShutDownClientEndsAtOnce) {
    start_server();
    client c{io.get_executor(), opts};
    c.shutdown();
    std::optional<poll_scheduler::completion> done;
    poll_scheduler scheduler{c, {}, [&](poll_scheduler::completion&& r) { done = std::move(r); }};
    poll_policy in_an_hour = opts.polling;
    in_an_hour.initial_delay = 1h; // were it scheduled as usual, nothing would happen for an hour
    scheduler.add(task("4d4f3e2a-1b2c-4d5e-8f90-123456789abc"), 9, in_an_hour);
    io.restart();
    io.run_for(30s); // a bound for the failure only: the completion ends the run
    ASSERT_TRUE(done.has_value()) << "the task waited for its first poll on a shut-down client";
    EXPECT_EQ(done->tag, 9u);
    EXPECT_EQ(done->ec, errc::client_shutdown);
    EXPECT_EQ(scheduler.in_flight(), 0u);
}

TEST_F(ClientTest, AStandaloneSchedulersWaitingTasksEndWhenTheClientShutsDown) {
    start_server();
    client c{io.get_executor(), opts};
    std::optional<poll_scheduler::completion> done;
    poll_scheduler scheduler{c, {}, [&](poll_scheduler::completion&& r) { done = std::move(r); }};
    poll_policy in_an_hour = opts.polling;
    in_an_hour.initial_delay = 1h; // its first poll is far off
    scheduler.add(task("4d4f3e2a-1b2c-4d5e-8f90-123456789abc"), 7, in_an_hour);
    asio::post(io, [&] { c.shutdown(); });
    io.restart();
    io.run_for(30s); // a bound for the failure only: the completion ends the run
    ASSERT_TRUE(done.has_value()) << "the waiting task was not ended by the shutdown";
    EXPECT_EQ(done->tag, 7u);
    EXPECT_EQ(done->ec, errc::client_shutdown);
    EXPECT_EQ(done->polls, 0u);
    EXPECT_EQ(scheduler.in_flight(), 0u);
}
