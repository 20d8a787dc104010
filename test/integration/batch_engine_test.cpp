// The batch engine against the emulator: completion and input order, the
// 429 back-off, and resuming from a journal without resubmitting.

#include "../support/client_fixture.hpp"

#include <oneai/batch_engine.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

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
        bool finished = false;
        engine.start([&] { finished = true; });
        io.restart();
        io.run();
        EXPECT_TRUE(finished);
        last_progress = engine.progress();
        return out;
    }

    batch_options options() {
        batch_options o;
        o.pipeline = pipeline{}.keywords();
        o.polling.initial_delay = 20ms;
        o.polling.delays = backoff::constant(20ms);
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
        EXPECT_LT(o.server_ms, 5000.0);
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
    server_cfg.latency = emulator::latency_model::parse("uniform:50ms..150ms");
    start_server();
    opts.retries.max_attempts = 20;
    auto o = options();
    o.concurrency = 200; // four times what the service allows
    auto out = run(o, items(5000));
    ASSERT_EQ(out.size(), 5000u);
    std::size_t completed = 0;
    for (const auto& r : out)
        completed += r.what == batch_outcome::kind::completed;
    EXPECT_EQ(completed, 5000u);
    // Backing off keeps the 429s to a small fraction of the submits.
    std::cout << "[ info     ] 429 answers for 5000 tasks at a service limit of 50: "
              << last_progress.rate_limited << ", final limit " << last_progress.limit << "\n";
    EXPECT_LT(last_progress.rate_limited, 100u); // 2% of the submits; slow start keeps it near 10
    EXPECT_LE(last_progress.limit, 200u);
}

TEST_F(BatchEngineTest, ResumeWaitsOnSubmittedItemsAndReportsUnsureOnes) {
    start_server();
    const std::string journal = (std::filesystem::temp_directory_path() /
                                 ("oneai-engine-journal-" + std::to_string(::getpid())))
                                    .string();
    std::filesystem::remove(journal);
    // A first run that submits item 1 by hand and "dies" after recording it.
    auto c = make_client();
    auto [ec, t] = complete<task>(
        [&](auto h) { c->async_submit(pipeline{}.keywords(), text_input{"Document 1 says."}, h); });
    ASSERT_FALSE(ec);
    {
        std::ofstream j(journal);
        j << "I 0\nT 0 " << t.id() << "\nF 0\n" // item 0: finished before
          << "I 1\nT 1 " << t.id() << "\n"      // item 1: submitted, not finished
          << "I 2\n";                           // item 2: sent, answer never recorded
    }
    auto o = options();
    o.journal_path = journal;
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

TEST_F(BatchEngineTest, StopWithDrainFinishesWhatIsInFlight) {
    server_cfg.latency = emulator::latency_model::fixed(200ms);
    start_server();
    auto c = make_client();
    std::vector<batch_outcome> out;
    auto o = options();
    o.concurrency = 10;
    batch_engine engine(*c, o, items(1000),
                        [&](batch_outcome&& r) { out.push_back(std::move(r)); });
    bool finished = false;
    engine.start([&] { finished = true; });
    boost::asio::steady_timer later(io, 100ms);
    std::uint64_t in_flight_at_stop = 0;
    later.async_wait([&](error_code) {
        in_flight_at_stop = engine.progress().in_flight;
        engine.stop(true);
    });
    io.run();
    EXPECT_TRUE(finished);
    EXPECT_GT(in_flight_at_stop, 0u);
    EXPECT_EQ(out.size(), in_flight_at_stop); // the tasks in flight, nothing more
    for (const auto& r : out)
        EXPECT_EQ(r.what, batch_outcome::kind::completed);
}
