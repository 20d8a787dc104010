// One thread_safe client shared by handlers on four threads: thousands of runs
// and cancellations from whichever thread a handler happens to run on. Runs in
// every preset; under scripts/tsan, a client state touched outside its strand
// is reported as a data race.

#include "../support/client_fixture.hpp"

#include <oneai/batch_engine.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

using namespace oneai;
using namespace oneai::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

constexpr int threads = 4;
constexpr int runs = 2000;
constexpr int workers = 64;    // runs in flight at once
constexpr int cancelled = 200; // waits cancelled from another thread

struct tally {
    int limit = runs; // runs the workers issue in all
    std::atomic<int> issued{0};
    std::atomic<int> succeeded{0};
    std::atomic<int> aborted{0};
    std::mutex mutex;
    std::vector<std::string> errors; // what went wrong, for the failure message
    void fail(std::string what) {
        std::lock_guard lock(mutex);
        errors.push_back(std::move(what));
    }
};

// One of `workers` coroutines on the multi-threaded io_context: runs one
// pipeline after another until `runs` have been issued. It resumes on any of
// the threads, so each run starts on whichever thread ran the previous one.
asio::awaitable<void> run_worker(client& c, tally& t) {
    const auto p = pipeline{}.summarize();
    while (t.issued.fetch_add(1) < t.limit) {
        oneai::input in = text_input{sample_text};
        auto [ec, r] = co_await c.async_run(p, std::move(in), asio::as_tuple(asio::use_awaitable));
        if (ec)
            t.fail("run: " + ec.message());
        else if (!r.summary())
            t.fail("run without a summary");
        else
            ++t.succeeded;
    }
}

// A wait that would sit out an hour's initial delay, cancelled by an emit that
// runs on another of the io_context's threads (posted, not run inline).
template <typename OnEnd>
void start_cancelled_wait(asio::io_context& io, client& c, const task& t, tally& out,
                          OnEnd on_end) {
    auto signal = std::make_shared<asio::cancellation_signal>();
    poll_policy an_hour_away = poll_policy::scheduled(backoff::constant(1h));
    an_hour_away.initial_delay = 1h;
    c.async_wait(
        t, an_hour_away,
        asio::bind_cancellation_slot(
            signal->slot(), asio::bind_executor(io, [&out, signal, on_end](error_code ec, result) {
                if (ec == asio::error::operation_aborted)
                    ++out.aborted;
                else
                    out.fail("cancelled wait: " + ec.message());
                on_end();
            })));
    asio::post(io, [signal] { signal->emit(asio::cancellation_type::terminal); });
}

} // namespace

class ClientThreadSafetyTest : public ClientTest {
  protected:
    ClientThreadSafetyTest() {
        server_cfg.latency = emulator::latency_model::fixed(0ms); // instant tasks
        opts.thread_safe = true;
        opts.polling = poll_policy::scheduled(backoff::constant(1ms));
        opts.polling.initial_delay = 0ms;
    }

    void run_on_threads(asio::io_context& pool) {
        std::vector<std::thread> others;
        for (int i = 1; i < threads; ++i)
            others.emplace_back([&] { pool.run(); });
        pool.run();
        for (auto& th : others)
            th.join();
    }
};

TEST_F(ClientThreadSafetyTest, FourThreadsShareOneClient) {
    start_server();
    asio::io_context pool(threads);
    client c{pool.get_executor(), opts};
    tally t;
    std::atomic<int> ended{0}; // workers and cancelled waits that are over

    // Only keeps a hung operation from hanging the suite; it decides nothing.
    asio::steady_timer watchdog(asio::make_strand(pool), 300s);
    watchdog.async_wait([&](error_code ec) {
        if (!ec) {
            t.fail("the operations did not all complete");
            pool.stop();
        }
    });
    auto one_ended = [&] {
        if (++ended == workers + cancelled)
            asio::post(watchdog.get_executor(), [&] { watchdog.cancel(); });
    };

    auto start = [&]() -> asio::awaitable<void> {
        // The task the cancelled waits wait on: finished, so only their
        // initial delay of an hour keeps them waiting.
        oneai::input in = text_input{sample_text};
        task finished =
            co_await c.async_submit(pipeline{}.summarize(), std::move(in), asio::use_awaitable);
        co_await c.async_wait(finished, asio::use_awaitable);
        for (int i = 0; i < workers; ++i)
            asio::co_spawn(pool, run_worker(c, t), [&](std::exception_ptr e) {
                if (e)
                    t.fail("a worker threw");
                one_ended();
            });
        for (int i = 0; i < cancelled; ++i)
            asio::post(pool,
                       [&, finished] { start_cancelled_wait(pool, c, finished, t, one_ended); });
    };
    asio::co_spawn(pool, start(), [&](std::exception_ptr e) {
        if (e)
            t.fail("the setup threw");
    });
    run_on_threads(pool);

    EXPECT_TRUE(t.errors.empty()) << t.errors.size() << " failures, the first: " << t.errors[0];
    EXPECT_EQ(t.succeeded, runs);
    EXPECT_EQ(t.aborted, cancelled);

    // Every count adds up, in the client and against what the server saw.
    const client_counters n = c.counters();
    const auto stats = server_stats();
    EXPECT_EQ(n.in_flight, 0u);
    EXPECT_EQ(n.submits, runs + 1u);
    EXPECT_EQ(n.completed, runs + 1u);
    EXPECT_EQ(n.failed, 0u);
    EXPECT_EQ(n.transport_errors, 0u);
    EXPECT_EQ(n.retries, 0u);
    EXPECT_EQ(n.responses, n.requests);
    EXPECT_EQ(n.requests, n.submits + n.polls);
    EXPECT_GE(n.polls, n.completed);
    EXPECT_EQ(n.submits, stats.at("submits").to_number<std::uint64_t>());
    EXPECT_EQ(n.polls, stats.at("polls").to_number<std::uint64_t>());
    EXPECT_LE(n.connections_opened, opts.max_connections_per_host);
}

// A batch engine is not synchronised itself: on a shared client it is made and
// run inside the client's strand (get_executor()), where its calls into the
// client need no hop, while other handlers keep using the client from their
// threads.
TEST_F(ClientThreadSafetyTest, ABatchRunsInTheSharedClientsStrandBesideOtherRuns) {
    start_server();
    asio::io_context pool(threads);
    client c{pool.get_executor(), opts};
    constexpr std::uint64_t items = 300;
    tally t;
    t.limit = 300;

    std::vector<input> texts(items, text_input{sample_text});
    std::atomic<std::uint64_t> outcomes{0}; // the sink runs in the strand; counted from outside
    std::optional<batch_engine> engine;
    std::optional<error_code> batch_ended;
    batch_progress progress;
    asio::dispatch(c.get_executor(), [&] {
        batch_options o;
        o.pipeline = pipeline{}.summarize();
        o.polling = opts.polling;
        o.concurrency = 32;
        engine.emplace(c, std::move(o), source_from_range(texts), [&](batch_outcome&& r) {
            if (r.what == batch_outcome::kind::completed)
                ++outcomes;
        });
        engine->async_run([&](error_code ec, batch_summary s) {
            batch_ended = ec;
            progress = s.progress;
            engine.reset(); // in the strand, where it lives
        });
    });
    for (int i = 0; i < 16; ++i)
        asio::co_spawn(pool, run_worker(c, t), [&](std::exception_ptr e) {
            if (e)
                t.fail("a worker threw");
        });
    run_on_threads(pool);

    EXPECT_TRUE(t.errors.empty()) << t.errors.size() << " failures, the first: " << t.errors[0];
    EXPECT_EQ(t.succeeded, 300);
    ASSERT_TRUE(batch_ended.has_value());
    EXPECT_EQ(*batch_ended, error_code{});
    EXPECT_EQ(progress.completed, items);
    EXPECT_EQ(outcomes, items);
    const client_counters n = c.counters();
    EXPECT_EQ(n.in_flight, 0u);
    EXPECT_EQ(n.submits, 300u + items);
    EXPECT_EQ(n.submits, server_stats().at("submits").to_number<std::uint64_t>());
}
