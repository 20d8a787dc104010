// The batch engine against the emulator: completion and input order, the
// 429 back-off, resuming from a journal without resubmitting, cancellation,
// and the engine's lifetime against its client's.

#include "../support/client_fixture.hpp"

#include <oneai/batch_channel_source.hpp>
#include <oneai/batch_engine.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace oneai;
using namespace oneai::test;
using namespace std::chrono_literals;

namespace {

batch_engine::source items(std::uint64_t count, std::uint64_t first = 0) {
    auto next = std::make_shared<std::uint64_t>(first);
    return [next, count]() -> std::optional<batch_item> {
        if (*next >= count)
            return std::nullopt;
        batch_item item;
        item.index = (*next)++;
        item.id = "doc-" + std::to_string(item.index);
        item.input =
            text_input{"Document " + std::to_string(item.index) + " says the board met in London."};
        return item;
    };
}

} // namespace

class BatchEngineTest : public ClientTest {
  protected:
    BatchEngineTest() {
        server_cfg.workers = 0;
        server_cfg.latency = emulator::latency_model::parse("uniform:10ms..120ms");
    }

    std::vector<batch_outcome> run(batch_options o, batch_engine::source from,
                                   std::unordered_set<std::uint64_t> done = {}) {
        auto c = make_client();
        std::vector<batch_outcome> out;
        batch_engine engine(
            *c, std::move(o), std::move(from),
            [&](batch_outcome&& r) { out.push_back(std::move(r)); }, std::move(done));
        std::optional<error_code> finished;
        engine.async_run([&](error_code ec, batch_summary s) {
            finished = ec;
            last_progress = s.progress;
        });
        io.restart();
        io.run();
        EXPECT_TRUE(finished.has_value());
        EXPECT_EQ(finished.value_or(boost::asio::error::eof), error_code{});
        return out;
    }

    batch_options options() {
        batch_options o;
        o.pipeline = pipeline{}.keywords();
        o.polling = poll_policy::scheduled(backoff::constant(20ms));
        o.concurrency = 32;
        return o;
    }

    batch_progress last_progress;
};

TEST_F(BatchEngineTest, EveryItemGetsOneOutcome) {
    start_server();
    auto out = run(options(), items(300));
    ASSERT_EQ(out.size(), 300u);
    std::set<std::uint64_t> seen;
    for (const auto& o : out) {
        EXPECT_EQ(o.what, batch_outcome::kind::completed) << o.index << " " << o.ec.message();
        EXPECT_EQ(o.id, "doc-" + std::to_string(o.index));
        EXPECT_FALSE(o.task_id.empty());
        EXPECT_TRUE(o.result.has_value());
        seen.insert(o.index);
    }
    EXPECT_EQ(seen.size(), 300u);
    EXPECT_EQ(last_progress.completed, 300u);
    EXPECT_EQ(server_stats().at("submits"), 300);
}

TEST_F(BatchEngineTest, RangesAreSourcesAndOutcomesCarryServerTimes) {
    server_cfg.latency = emulator::latency_model::fixed(100ms);
    start_server();
    std::vector<input> inputs{text_input{"First text here."}, text_input{"Second text here."},
                              url_input{"https://example.com/a"}};
    auto out = run(options(), source_from_range(inputs));
    ASSERT_EQ(out.size(), 3u);
    std::set<std::uint64_t> indexes;
    for (const auto& o : out) {
        EXPECT_EQ(o.what, batch_outcome::kind::completed);
        indexes.insert(o.index);
        EXPECT_GE(o.server_ms, 90.0); // the emulator's 100 ms of processing
        // The service's own span, within what the client saw from submit to outcome.
        EXPECT_LE(o.server_ms, o.total_ms + 1.0);
    }
    EXPECT_EQ(indexes, (std::set<std::uint64_t>{0, 1, 2}));
}

TEST_F(BatchEngineTest, OrderedModeEmitsInInputOrder) {
    start_server();
    auto o = options();
    o.ordered = true;
    o.reorder_window = 16;
    auto out = run(o, items(200));
    ASSERT_EQ(out.size(), 200u);
    for (std::size_t i = 0; i < out.size(); ++i)
        ASSERT_EQ(out[i].index, i);
}

TEST_F(BatchEngineTest, ConvergesUnderTheServicesConcurrencyLimit) {
    server_cfg.max_concurrent_jobs = 50;
    server_cfg.retry_after = 1s;
    // Tasks long enough that even a slow (sanitized) client fills the service's limit.
    server_cfg.latency = emulator::latency_model::parse("uniform:300ms..600ms");
    start_server();
    opts.retries.retry_rate_limited = false; // every 429 reaches the engine, as in `oneai batch`
    auto o = options();
    o.concurrency = 200; // four times what the service allows
    auto out = run(o, items(1000));
    ASSERT_EQ(out.size(), 1000u);
    std::size_t completed = 0;
    for (const auto& r : out)
        completed += r.what == batch_outcome::kind::completed;
    EXPECT_EQ(completed, 1000u); // a 429 is "later", never an outcome
    std::cout << "[ info     ] 429 answers for 1000 tasks at a service limit of 50: "
              << last_progress.rate_limited << ", final limit " << last_progress.limit << "\n";
    EXPECT_GT(last_progress.rate_limited, 0u); // the limit was found by asking too much
    // It settles just under the service's limit, not at the requested 200.
    EXPECT_GE(last_progress.limit, 40u);
    EXPECT_LE(last_progress.limit, 60u);
}

TEST_F(BatchEngineTest, ResumeWaitsOnSubmittedItemsAndReportsUnsureOnes) {
    start_server();
    const std::string journal = (std::filesystem::temp_directory_path() /
                                 ("oneai-engine-journal-" + std::to_string(::getpid())))
                                    .string();
    std::filesystem::remove(journal);
    auto o = options();
    o.journal_path = journal;
    run(o, items(0)); // writes the journal's header for this pipeline
    // A first run that submits item 1 by hand and "dies" after recording it.
    auto c = make_client();
    auto [ec, t] = complete<task>(
        [&](auto h) { c->async_submit(pipeline{}.keywords(), text_input{"Document 1 says."}, h); });
    ASSERT_FALSE(ec);
    {
        std::ofstream j(journal, std::ios::app);
        j << "I 0 0\nT 0 " << t.id() << "\nF 0 0\n" // item 0: finished before
          << "I 1 0\nT 1 " << t.id() << "\n"        // item 1: submitted, not finished
          << "I 2 0\n";                             // item 2: sent, answer never recorded
    }
    o.journal = journal_mode::resume;
    auto out = run(o, items(5));
    std::map<std::uint64_t, batch_outcome::kind> by_index;
    for (const auto& r : out)
        by_index[r.index] = r.what;
    EXPECT_FALSE(by_index.contains(0)); // skipped
    EXPECT_EQ(by_index.at(1), batch_outcome::kind::completed);
    EXPECT_EQ(by_index.at(2), batch_outcome::kind::unknown);
    EXPECT_EQ(by_index.at(3), batch_outcome::kind::completed);
    EXPECT_EQ(by_index.at(4), batch_outcome::kind::completed);
    EXPECT_EQ(last_progress.skipped, 1u);
    // 1 hand submit + items 3 and 4: item 1 was waited on, item 2 not resent.
    EXPECT_EQ(server_stats().at("submits"), 3);
    std::filesystem::remove(journal);
}

TEST_F(BatchEngineTest, PartialCancellationDrainsWhatIsInFlight) {
    server_cfg.latency = emulator::latency_model::fixed(200ms);
    start_server();
    auto c = make_client();
    std::vector<batch_outcome> out;
    auto o = options();
    o.concurrency = 10;
    batch_engine engine(*c, o, items(1000),
                        [&](batch_outcome&& r) { out.push_back(std::move(r)); });
    boost::asio::cancellation_signal cancel;
    std::optional<error_code> finished;
    std::uint64_t in_flight_at_stop = 0;
    // Stop once ten tasks are accepted and in flight: an event, not a clock.
    c->set_observer({.on_response = [&](const response_event&) {
        auto p = engine.progress();
        if (p.in_flight == 10 && in_flight_at_stop == 0) {
            in_flight_at_stop = p.in_flight;
            cancel.emit(boost::asio::cancellation_type::partial);
        }
    }});
    engine.async_run(boost::asio::bind_cancellation_slot(
        cancel.slot(), [&](error_code ec, batch_summary) { finished = ec; }));
    io.run();
    ASSERT_TRUE(finished.has_value());
    EXPECT_EQ(*finished, boost::asio::error::operation_aborted);
    EXPECT_EQ(in_flight_at_stop, 10u);
    EXPECT_EQ(out.size(), in_flight_at_stop); // the tasks in flight, nothing more
    for (const auto& r : out)
        EXPECT_EQ(r.what, batch_outcome::kind::completed);
}

TEST_F(BatchEngineTest, TerminalCancellationStopsNowAndKeepsTasksForAResume) {
    server_cfg.latency = emulator::latency_model::fixed(2s);
    start_server();
    const std::string journal = (std::filesystem::temp_directory_path() /
                                 ("oneai-engine-stop-" + std::to_string(::getpid())))
                                    .string();
    std::filesystem::remove(journal);
    auto o = options();
    o.concurrency = 10;
    o.journal_path = journal;
    auto c = make_client();
    std::vector<batch_outcome> out;
    {
        batch_engine engine(*c, o, items(20),
                            [&](batch_outcome&& r) { out.push_back(std::move(r)); });
        boost::asio::cancellation_signal cancel;
        std::optional<error_code> finished;
        c->set_observer({.on_response = [&](const response_event&) {
            if (engine.progress().submitted == 10)
                cancel.emit(boost::asio::cancellation_type::terminal);
        }});
        engine.async_run(boost::asio::bind_cancellation_slot(
            cancel.slot(), [&](error_code ec, batch_summary) { finished = ec; }));
        io.run();
        ASSERT_TRUE(finished.has_value());
        EXPECT_EQ(*finished, boost::asio::error::operation_aborted);
        EXPECT_TRUE(out.empty()); // nothing finished: 2 s tasks
    }
    c->set_observer({});
    // The resume waits on the ten tasks and submits the other ten: 20 submits in all.
    o.journal = journal_mode::resume;
    out.clear();
    out = run(o, items(20));
    EXPECT_EQ(out.size(), 20u);
    EXPECT_EQ(server_stats().at("submits"), 20);
    EXPECT_EQ(server_stats().at("duplicate_submits"), 0);
    std::filesystem::remove(journal);
}

TEST_F(BatchEngineTest, DestroyingTheEngineEndsItAndNeverCallsTheSourceOrSinkAgain) {
    server_cfg.latency = emulator::latency_model::fixed(100ms);
    start_server();
    auto c = make_client();
    int pulls_after = 0, outcomes_after = 0;
    bool destroyed = false;
    auto engine = std::make_unique<batch_engine>(
        *c, options(),
        [&, next = std::make_shared<batch_engine::source>(items(100000))] {
            pulls_after += destroyed;
            return (*next)();
        },
        [&](batch_outcome&&) { outcomes_after += destroyed; });
    std::optional<error_code> finished;
    engine->async_run([&](error_code ec, batch_summary) { finished = ec; });
    // Destroy it once submits and polls are under way.
    bool asked = false;
    c->set_observer({.on_request = [&](const request_event& e) {
        if (!asked && e.method == "GET") {
            asked = true;
            boost::asio::post(io, [&] {
                engine.reset();
                destroyed = true; // from here on, no call may reach the source or the sink
            });
        }
    }});
    io.run();
    EXPECT_TRUE(destroyed);
    ASSERT_TRUE(finished.has_value());
    EXPECT_EQ(*finished, boost::asio::error::operation_aborted);
    EXPECT_EQ(pulls_after, 0);
    EXPECT_EQ(outcomes_after, 0);
}

TEST_F(BatchEngineTest, DestroyingTheClientEndsTheBatch) {
    server_cfg.latency = emulator::latency_model::fixed(100ms);
    start_server();
    auto c = make_client();
    int calls_after = 0;
    bool gone = false;
    batch_engine engine(
        *c, options(),
        [&, next = std::make_shared<batch_engine::source>(items(100000))] {
            calls_after += gone;
            return (*next)();
        },
        [&](batch_outcome&&) { calls_after += gone; });
    std::optional<error_code> finished;
    engine.async_run([&](error_code ec, batch_summary) { finished = ec; });
    bool asked = false;
    c->set_observer({.on_request = [&](const request_event& e) {
        if (!asked && e.method == "GET") {
            asked = true;
            boost::asio::post(io, [&] {
                c.reset();
                gone = true;
            });
        }
    }});
    io.run();
    ASSERT_TRUE(finished.has_value());
    EXPECT_EQ(*finished, errc::client_shutdown);
    EXPECT_EQ(calls_after, 0);
}

TEST_F(BatchEngineTest, TwoBatchesAndTheCallersObserverShareOneClient) {
    start_server();
    auto c = make_client();
    int responses_seen = 0;
    c->set_observer({.on_response = [&](const response_event&) { ++responses_seen; }});
    std::vector<batch_outcome> first, second;
    batch_engine a(*c, options(), items(100),
                   [&](batch_outcome&& r) { first.push_back(std::move(r)); });
    batch_engine b(*c, options(), items(100),
                   [&](batch_outcome&& r) { second.push_back(std::move(r)); });
    int done = 0;
    a.async_run([&](error_code ec, batch_summary) { done += !ec; });
    b.async_run([&](error_code ec, batch_summary) { done += !ec; });
    io.run();
    EXPECT_EQ(done, 2);
    EXPECT_EQ(first.size(), 100u);
    EXPECT_EQ(second.size(), 100u);
    // The caller's observer kept seeing everything: 200 submits and at least 200 polls.
    EXPECT_GE(responses_seen, 400);
    EXPECT_EQ(responses_seen, static_cast<int>(c->counters().responses));
}

TEST_F(BatchEngineTest, AChannelFeedsARunningBatch) {
    start_server();
    auto c = make_client();
    boost::asio::experimental::channel<void(error_code, batch_item)> ch(io, 4);
    std::vector<batch_outcome> out;
    batch_engine engine(*c, options(), source_from_channel(ch),
                        [&](batch_outcome&& r) { out.push_back(std::move(r)); });
    std::optional<error_code> finished;
    engine.async_run([&](error_code ec, batch_summary) { finished = ec; });
    // A producer that sends items as they "arrive", then the end of the stream.
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            auto next = items(50);
            while (auto item = next()) {
                error_code none;
                co_await ch.async_send(none, std::move(*item), boost::asio::use_awaitable);
            }
            batch_item end; // named: GCC 12 destroys a temporary in a co_await twice
            co_await ch.async_send(boost::asio::error::eof, std::move(end),
                                   boost::asio::use_awaitable);
        },
        boost::asio::detached);
    io.run();
    ASSERT_TRUE(finished.has_value());
    EXPECT_FALSE(*finished) << finished->message();
    EXPECT_EQ(out.size(), 50u);
}

TEST_F(BatchEngineTest, StoppingNowSendsNoNewSubmitsAndLeavesRefusedOnesSafeToSend) {
    server_cfg.faults.http_503_rate = 1.0; // every submit refused: "not processed"
    start_server();
    opts.retries.max_attempts = 50;
    opts.retries.delays = backoff::constant(200ms);
    const std::string journal = (std::filesystem::temp_directory_path() /
                                 ("oneai-engine-503-" + std::to_string(::getpid())))
                                    .string();
    std::filesystem::remove(journal);
    auto o = options();
    o.journal_path = journal;
    auto c = make_client();
    int requests_after_stop = 0;
    bool stopped = false;
    std::optional<error_code> finished;
    {
        batch_engine engine(*c, o, items(5), [](batch_outcome&&) {});
        c->set_observer(
            {.on_request = [&](const request_event&) { requests_after_stop += stopped; },
             .on_retry =
                 [&](const retry_event&) {
                     if (!stopped) {
                         stopped = true;
                         engine.stop(false); // stop now, mid-retry
                     }
                 }});
        engine.async_run([&](error_code ec, batch_summary) { finished = ec; });
        io.run();
    }
    c->set_observer({});
    ASSERT_TRUE(finished.has_value());
    EXPECT_EQ(*finished, boost::asio::error::operation_aborted);
    EXPECT_EQ(requests_after_stop, 0); // the retries stopped with the batch
    // Refused submits are safe to send again: the resume sends them, none is unknown.
    server.reset();
    server_cfg.faults.http_503_rate = 0;
    start_server();
    // The journal is tied to the service's host: the new server listens elsewhere,
    // so carry the records over by hand under the new header.
    std::filesystem::remove(journal + ".old");
    std::filesystem::rename(journal, journal + ".old");
    run(o, items(0)); // a header for the new host
    {
        std::ifstream old(journal + ".old");
        std::ofstream now(journal, std::ios::app);
        std::string line;
        std::getline(old, line); // the old header
        while (std::getline(old, line))
            now << line << "\n";
    }
    auto resumed = o;
    resumed.journal = journal_mode::resume;
    opts.retries = retry_policy{};
    auto out = run(resumed, items(5));
    ASSERT_EQ(out.size(), 5u);
    for (const auto& r : out)
        EXPECT_EQ(r.what, batch_outcome::kind::completed) << r.index << " " << to_string(r.what);
    std::filesystem::remove(journal);
    std::filesystem::remove(journal + ".old");
}

TEST_F(BatchEngineTest, LongTasksDoNotStarveTheRamp) {
    // 400 tasks of 4 s with room for 400: every one is in flight before the
    // first finishes (the limit grows on accepted submits, not finished tasks).
    server_cfg.latency = emulator::latency_model::fixed(4s);
    start_server();
    auto c = make_client();
    auto o = options();
    o.concurrency = 400;
    o.polling = poll_policy::scheduled(backoff::constant(500ms));
    std::uint64_t most_in_flight = 0;
    std::optional<std::uint64_t> in_flight_at_first_outcome;
    std::size_t outcomes = 0;
    batch_engine engine(*c, o, items(400), [&](batch_outcome&&) {
        if (!in_flight_at_first_outcome)
            in_flight_at_first_outcome = most_in_flight;
        ++outcomes;
    });
    c->set_observer({.on_response = [&](const response_event&) {
        most_in_flight = std::max(most_in_flight, engine.progress().in_flight);
    }});
    engine.async_run([](error_code, batch_summary) {});
    io.run();
    EXPECT_EQ(outcomes, 400u);
    ASSERT_TRUE(in_flight_at_first_outcome);
    // The last accepted submit is counted after its response event: 399 or 400.
    EXPECT_GE(*in_flight_at_first_outcome, 399u);
}

TEST_F(BatchEngineTest, AFailedSinkFlushLeavesItsItemsUnfinishedInTheJournal) {
    // A sink that buffers: its flush (a full disk) fails on the second turn
    // that has outcomes. The journal then holds no F record for anything the
    // sink had not written, so a resume redoes exactly those items.
    start_server();
    const std::string journal = (std::filesystem::temp_directory_path() /
                                 ("oneai-engine-flush-" + std::to_string(::getpid())))
                                    .string();
    std::filesystem::remove(journal);
    auto o = options();
    o.journal_path = journal;
    std::vector<std::uint64_t> buffered, written;
    int flushes = 0;
    o.flush_sink = [&](bool) {
        if (++flushes == 2)
            throw std::runtime_error("No space left on device");
        written.insert(written.end(), buffered.begin(), buffered.end());
        buffered.clear();
    };
    auto c = make_client();
    std::optional<error_code> finished;
    batch_progress summary;
    {
        batch_engine engine(*c, o, items(40),
                            [&](batch_outcome&& r) { buffered.push_back(r.index); });
        engine.async_run([&](error_code ec, batch_summary s) {
            finished = ec;
            summary = s.progress;
        });
        io.run();
    }
    ASSERT_TRUE(finished);
    EXPECT_EQ(*finished, errc::output_failed);
    ASSERT_FALSE(written.empty());
    EXPECT_EQ(summary.completed, written.size()); // what never reached the output is not counted
    std::set<std::uint64_t> finished_in_journal, submitted_in_journal;
    std::ifstream in(journal);
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string kind;
        std::uint64_t index = 0;
        if (fields >> kind >> index; kind == "F")
            finished_in_journal.insert(index);
        else if (kind == "T")
            submitted_in_journal.insert(index);
    }
    EXPECT_EQ(finished_in_journal, std::set<std::uint64_t>(written.begin(), written.end()));
    for (auto index : buffered) // the lost ones: submitted, not finished
        EXPECT_TRUE(submitted_in_journal.contains(index)) << index;

    // The resume gives an outcome to every item the sink never wrote.
    o.journal = journal_mode::resume;
    o.flush_sink = nullptr;
    auto out = run(o, items(40));
    std::set<std::uint64_t> redone;
    for (const auto& r : out)
        redone.insert(r.index);
    for (std::uint64_t i = 0; i < 40; ++i)
        EXPECT_NE(redone.contains(i), finished_in_journal.contains(i)) << i;
    std::filesystem::remove(journal);
}

TEST_F(BatchEngineTest, TextOnlyResultsCarryTheJsonAndTheStats) {
    start_server();
    auto o = options();
    o.typed_results = false;
    auto out = run(o, items(3));
    ASSERT_EQ(out.size(), 3u);
    for (const auto& r : out) {
        ASSERT_EQ(r.what, batch_outcome::kind::completed) << r.ec.message();
        ASSERT_TRUE(r.result);
        EXPECT_TRUE(r.result->outputs.empty()); // not decoded
        EXPECT_TRUE(r.result->raw().as_object().contains("output"));
        EXPECT_EQ(r.result->raw_json().front(), '{');
        EXPECT_GE(r.result->stats.total_running_jobs, 1);
    }
    auto typed = run(options(), items(1));
    ASSERT_EQ(typed.size(), 1u);
    ASSERT_TRUE(typed[0].result);
    EXPECT_FALSE(typed[0].result->outputs.empty());
}
