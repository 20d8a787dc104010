// The task lifecycle with a manual clock: queueing behind worker slots,
// processing time, finishing, expiry, per-key limits and the counters.

#include "emulator/pipeline_request.hpp"
#include "emulator/task_store.hpp"

#include <gtest/gtest.h>

using namespace oneai::emulator;
using namespace oneai::emulator::detail;
using namespace std::chrono_literals;

namespace {

class TaskStoreTest : public ::testing::Test {
  protected:
    config cfg;
    std::mt19937_64 rng{1};
    emulator_stats stats;
    steady_time t0 = steady_time{} + 1000s;

    TaskStoreTest() {
        cfg.workers = 2;
        cfg.latency = latency_model::fixed(100ms);
        cfg.ttl = 10s;
    }

    static stored_request request(const std::string& text = "Some words to process.") {
        return parse_json_body(R"({"input":")" + text + R"(","steps":[{"skill":"keywords"}]})");
    }
};

} // namespace

TEST_F(TaskStoreTest, TasksQueueBehindWorkerSlots) {
    task_store store(cfg, rng, stats);
    auto a = store.submit(request("a one"), "k", false, t0, 0);
    auto b = store.submit(request("b two"), "k", false, t0, 0);
    auto c = store.submit(request("c three"), "k", false, t0, 0);
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(store.find(*a)->state, task_state::running);
    EXPECT_EQ(store.find(*b)->state, task_state::running);
    EXPECT_EQ(store.find(*c)->state, task_state::queued);
    EXPECT_EQ(store.queued(), 1u);
    EXPECT_EQ(store.running(), 2u);
    ASSERT_EQ(store.next_deadline(), t0 + 100ms);

    store.advance(t0 + 99ms);
    EXPECT_EQ(store.find(*a)->state, task_state::running);
    store.advance(t0 + 100ms);
    EXPECT_EQ(store.find(*a)->state, task_state::completed);
    EXPECT_EQ(store.find(*c)->state, task_state::running);
    // c waited 100 ms for a slot: its stats will say so
    EXPECT_EQ(store.find(*c)->started - store.find(*c)->created, 100ms);
    store.advance(t0 + 200ms);
    EXPECT_EQ(store.find(*c)->state, task_state::completed);
    EXPECT_EQ(stats.completed, 3u);
}

TEST_F(TaskStoreTest, FinishedTasksExpireAfterTheirTtl) {
    task_store store(cfg, rng, stats);
    auto id = store.submit(request(), "k", false, t0, 0);
    store.advance(t0 + 100ms);
    ASSERT_TRUE(store.find(*id));
    store.advance(t0 + 100ms + 10s - 1us);
    EXPECT_TRUE(store.find(*id));
    store.advance(t0 + 100ms + 10s);
    EXPECT_FALSE(store.find(*id));
    EXPECT_EQ(stats.expired, 1u);
    EXPECT_FALSE(store.next_deadline());
}

TEST_F(TaskStoreTest, ConcurrencyLimitIsPerKeyAndFreesOnFinish) {
    cfg.max_concurrent_jobs = 2;
    task_store store(cfg, rng, stats);
    EXPECT_TRUE(store.submit(request("1"), "alice", false, t0, 0));
    EXPECT_TRUE(store.submit(request("2"), "alice", false, t0, 0));
    EXPECT_FALSE(store.submit(request("3"), "alice", false, t0, 0));
    EXPECT_TRUE(store.submit(request("4"), "bob", false, t0, 0));
    EXPECT_EQ(stats.rejected_concurrency, 1u);
    store.advance(t0 + 100ms);
    EXPECT_TRUE(store.submit(request("5"), "alice", false, t0 + 100ms, 0));
}

TEST_F(TaskStoreTest, PollsCountAndDetectionDelayIsMeasuredOnce) {
    task_store store(cfg, rng, stats);
    auto id = store.submit(request(), "k", false, t0, 0);
    store.poll(*id, t0 + 50ms);
    store.advance(t0 + 100ms);
    store.poll(*id, t0 + 130ms); // saw it 30 ms after the finish
    store.poll(*id, t0 + 500ms);
    EXPECT_EQ(stats.polls, 3u);
    EXPECT_EQ(stats.polls_of_finished_tasks, 3u);
    EXPECT_EQ(stats.detection_delay.count(), 1u);
    EXPECT_NEAR(stats.detection_delay.mean(), 30000.0, 1.0);
}

TEST_F(TaskStoreTest, DuplicateInputsAreCounted) {
    task_store store(cfg, rng, stats);
    store.submit(request("same"), "k", false, t0, 0);
    store.submit(request("same"), "k", false, t0, 0);
    store.submit(request("other"), "k", false, t0, 0);
    EXPECT_EQ(stats.duplicate_submits, 1u);
    EXPECT_EQ(stats.submits, 3u);
}

TEST_F(TaskStoreTest, InjectedFailuresEndFailed) {
    cfg.faults.task_failure_rate = 1.0;
    task_store store(cfg, rng, stats);
    auto id = store.submit(request(), "k", false, t0, 0);
    store.advance(t0 + 100ms);
    EXPECT_EQ(store.find(*id)->state, task_state::failed);
    EXPECT_TRUE(store.find(*id)->injected_failure);
    EXPECT_EQ(stats.failed, 1u);
}

TEST_F(TaskStoreTest, ProcessingErrorsEndFailedWithoutInjection) {
    task_store store(cfg, rng, stats);
    auto id = store.submit(
        parse_json_body(R"({"input":"https://down.invalid/x","steps":[{"skill":"summarize"}]})"),
        "k", false, t0, 0);
    store.advance(t0 + 100ms);
    EXPECT_EQ(store.find(*id)->state, task_state::failed);
    EXPECT_FALSE(store.find(*id)->injected_failure);
}

TEST_F(TaskStoreTest, SyncRunsAreNotPollableAndWakeTheirWaiter) {
    task_store store(cfg, rng, stats);
    std::vector<task_id> finished;
    store.on_finished = [&](const task_id& id) { finished.push_back(id); };
    auto id = store.submit(request(), "k", true, t0, 0);
    EXPECT_FALSE(store.poll(*id, t0));
    store.advance(t0 + 100ms);
    ASSERT_EQ(finished.size(), 1u);
    EXPECT_EQ(finished[0], *id);
    store.erase(*id);
    EXPECT_FALSE(store.find(*id));
    EXPECT_EQ(stats.sync_runs, 1u);
}

TEST_F(TaskStoreTest, UnlimitedWorkersRunEverythingAtOnce) {
    cfg.workers = 0;
    task_store store(cfg, rng, stats);
    for (int i = 0; i < 1000; ++i)
        store.submit(request("task " + std::to_string(i)), "k", false, t0, 0);
    EXPECT_EQ(store.running(), 1000u);
    store.advance(t0 + 100ms);
    EXPECT_EQ(stats.completed, 1000u);
}

TEST_F(TaskStoreTest, KeysAndInputsAreForgottenWithTheirLastTask) {
    cfg.workers = 0;
    task_store store(cfg, rng, stats);
    for (int i = 0; i < 50; ++i)
        store.submit(request("text " + std::to_string(i)), "key-" + std::to_string(i), false, t0,
                     0);
    EXPECT_EQ(store.keys_tracked(), 50u);
    EXPECT_EQ(store.fingerprints_tracked(), 50u);
    store.advance(t0 + 100ms); // all finish; a key with only finished tasks is still known
    EXPECT_EQ(store.keys_tracked(), 50u);
    store.advance(t0 + 100ms + cfg.ttl); // all expire
    EXPECT_EQ(store.stored(), 0u);
    EXPECT_EQ(store.keys_tracked(), 0u);
    EXPECT_EQ(store.fingerprints_tracked(), 0u);
}

TEST_F(TaskStoreTest, AFullStoreRefusesSubmitsUntilTasksExpire) {
    cfg.max_stored_tasks = 2;
    task_store store(cfg, rng, stats);
    EXPECT_TRUE(store.submit(request("1"), "k", false, t0, 0));
    EXPECT_TRUE(store.submit(request("2"), "k", false, t0, 0));
    EXPECT_TRUE(store.full());
    EXPECT_FALSE(store.submit(request("3"), "k", false, t0, 0));
    store.advance(t0 + 100ms + cfg.ttl);
    EXPECT_TRUE(store.submit(request("3"), "k", false, t0 + 100ms + cfg.ttl, 0));
}

TEST_F(TaskStoreTest, ATaskIsVisibleOnlyToItsKeyWhenAsked) {
    task_store store(cfg, rng, stats);
    auto id = store.submit(request(), "alice", false, t0, 0);
    const std::string alice = "alice", bob = "bob";
    EXPECT_FALSE(store.poll(*id, t0, &bob));
    EXPECT_TRUE(store.poll(*id, t0, &alice));
    EXPECT_TRUE(store.poll(*id, t0));      // no requester: keys are not restricted
    EXPECT_EQ(store.find(*id)->polls, 2u); // the refused poll did not count
}

TEST_F(TaskStoreTest, ExceptionsOfThePipelineFailTheTaskNotTheStore) {
    task_store store(cfg, rng, stats);
    store.runner = [](const pipeline_request&, const queue_snapshot&) -> pipeline_outcome {
        throw std::logic_error("a bug in a skill");
    };
    auto id = store.submit(request(), "k", false, t0, 0);
    EXPECT_NO_THROW(store.advance(t0 + 100ms));
    EXPECT_EQ(store.find(*id)->state, task_state::failed);
    EXPECT_EQ(stats.failed, 1u);
}

TEST_F(TaskStoreTest, IdsAreRandomUnlessSeeded) {
    std::mt19937_64 other_rng{1};
    emulator_stats other_stats;
    task_store first(cfg, rng, stats), second(cfg, other_rng, other_stats);
    EXPECT_NE(first.submit(request(), "k", false, t0, 0),
              second.submit(request(), "k", false, t0, 0));
    cfg.seeded_ids = true;
    cfg.seed = 7;
    task_store seeded_a(cfg, rng, stats), seeded_b(cfg, other_rng, other_stats);
    EXPECT_EQ(seeded_a.submit(request(), "k", false, t0, 0),
              seeded_b.submit(request(), "k", false, t0, 0));
}
