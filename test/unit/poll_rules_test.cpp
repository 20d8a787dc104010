// The one poll decision (used by client::async_wait and the poll scheduler),
// the adaptive plan and the service-time model, on a manual clock.

#include "client/polling/poll_plan.hpp"
#include "client/polling/poll_planner.hpp"
#include "client/polling/poll_rules.hpp"
#include "client/polling/service_time_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace oneai;
using namespace oneai::detail;
using namespace std::chrono_literals;

namespace {

const poll_clock::time_point t0 = poll_clock::time_point{} + 1000s;

poll_policy every_second() {
    return poll_policy::scheduled(backoff::constant(1s));
}

} // namespace

TEST(PollRules, FinishedAnswersEndTheWait) {
    std::mt19937_64 rng(1);
    const auto p = every_second();
    poll_context c{p, std::nullopt};
    poll_history h{t0, 1, 1s};
    auto done = next_poll(c, h, {{}, task_state::completed, {}}, t0 + 1s, rng);
    EXPECT_EQ(done.what, poll_step::action::finish);
    EXPECT_FALSE(done.ec);
    auto failed = next_poll(c, h, {{}, task_state::failed, {}}, t0 + 1s, rng);
    EXPECT_EQ(failed.ec, errc::task_failed);
}

TEST(PollRules, TransientErrorsCostAPollPermanentOnesEndTheWait) {
    std::mt19937_64 rng(1);
    const auto p = every_second();
    poll_context c{p, std::nullopt};
    poll_history h{t0, 1, 1s};
    auto again = next_poll(c, h, {errc::server_unavailable, task_state::unknown, {}}, t0, rng);
    EXPECT_EQ(again.what, poll_step::action::poll);
    EXPECT_EQ(again.at, t0 + 1s);
    auto gone = next_poll(c, h, {errc::task_not_found, task_state::unknown, {}}, t0, rng);
    EXPECT_EQ(gone.what, poll_step::action::finish);
    EXPECT_EQ(gone.ec, errc::task_not_found);
}

TEST(PollRules, RetryAfterAppliesToTheAnswerThatCarriedItOnly) {
    std::mt19937_64 rng(1);
    const auto p = every_second();
    poll_context c{p, std::nullopt};
    poll_history h{t0, 1, 1s};
    auto hinted = next_poll(c, h, {errc::rate_limited, task_state::unknown, 5s}, t0, rng);
    EXPECT_EQ(hinted.at, t0 + 5s);
    ++h.polls;
    auto plain = next_poll(c, h, {{}, task_state::running, {}}, t0 + 5s, rng);
    EXPECT_EQ(plain.at, t0 + 6s); // back to the policy's second
    // A refusal whose hint is beyond max_retry_after is not slept: the wait
    // ends at once...
    c.max_retry_after = 10s;
    auto too_long = next_poll(c, h, {errc::rate_limited, task_state::unknown, 3600s}, t0, rng);
    EXPECT_EQ(too_long.what, poll_step::action::finish);
    EXPECT_EQ(too_long.ec, errc::rate_limited);
    EXPECT_EQ(next_poll(c, h, {errc::rate_limited, task_state::unknown, 10s}, t0, rng).at,
              t0 + 10s);
    // ...while on a plain RUNNING answer the hint is advice, capped.
    auto advice = next_poll(c, h, {{}, task_state::running, 3600s}, t0, rng);
    EXPECT_EQ(advice.what, poll_step::action::poll);
    EXPECT_EQ(advice.at, t0 + 10s);
    // ...and one that outlasts the deadline fails at once rather than sleeping into it.
    c.deadline = t0 + 8s;
    auto refused = next_poll(c, h, {errc::rate_limited, task_state::unknown, 9s}, t0, rng);
    EXPECT_EQ(refused.what, poll_step::action::finish);
    EXPECT_EQ(refused.ec, errc::rate_limited);
}

TEST(PollRules, LimitsEndTheWaitAndThePollsClampToThem) {
    std::mt19937_64 rng(1);
    auto p = every_second();
    p.max_polls = 3;
    poll_context c{p, t0 + 10s};
    EXPECT_EQ(next_poll(c, {t0, 3, 1s}, {{}, task_state::running, {}}, t0 + 3s, rng).ec,
              errc::polling_exhausted);
    p.max_polls = 0;
    p.max_duration = 2500ms;
    auto clamped = next_poll(c, {t0, 2, 1s}, {{}, task_state::running, {}}, t0 + 2s, rng);
    EXPECT_EQ(clamped.at, t0 + 2500ms); // the last poll at the limit, not after it
    EXPECT_EQ(next_poll(c, {t0, 3, 1s}, {{}, task_state::running, {}}, t0 + 2500ms, rng).ec,
              errc::polling_exhausted);
    p.max_duration = 0ms;
    auto at_deadline = next_poll(c, {t0, 9, 1s}, {{}, task_state::running, {}}, t0 + 9500ms, rng);
    EXPECT_EQ(at_deadline.at, t0 + 10s);
    EXPECT_EQ(next_poll(c, {t0, 10, 1s}, {{}, task_state::running, {}}, t0 + 10s, rng).ec,
              errc::deadline_exceeded);
}

TEST(PollRules, AdaptivePollsFollowThePlanThenTheCeiling) {
    std::mt19937_64 rng(1);
    auto p = poll_policy::adaptive(300ms);
    poll_plan plan;
    plan.at_ms = {2000, 2600, 3500};
    poll_context c{p, std::nullopt, &plan};
    EXPECT_EQ(first_poll(c, {t0}, t0).at, t0 + 2000ms);
    auto second = next_poll(c, {t0, 1, 2s}, {{}, task_state::running, {}}, t0 + 2010ms, rng);
    EXPECT_EQ(second.at, t0 + 2600ms);
    // A late answer skips plan points closer than the floor.
    auto third = next_poll(c, {t0, 2, 600ms}, {{}, task_state::running, {}}, t0 + 3450ms, rng);
    // Past the plan: twice the target delay, or a quarter of the task's age if longer.
    EXPECT_EQ(third.at,
              t0 + 3450ms + std::max<std::chrono::milliseconds>(2 * p.target_delay, 3450ms / 4));
    // Without a plan (nothing learnt yet): the geometric fallback, within floor and ceiling.
    poll_context blind{p, std::nullopt};
    EXPECT_EQ(first_poll(blind, {t0}, t0).at, t0 + p.delays.base());
    auto fallback =
        next_poll(blind, {t0, 1, 250ms}, {{}, task_state::running, {}}, t0 + 250ms, rng);
    EXPECT_GE(fallback.at - (t0 + 250ms), p.floor);
    EXPECT_LE(fallback.at - (t0 + 250ms), p.ceiling);
}

TEST(PollRules, ATaskWhosePlanChangedSkipsAPollNearerThanHalfTheGap) {
    std::mt19937_64 rng(1);
    auto p = poll_policy::adaptive(300ms);
    poll_plan plan;
    plan.at_ms = {1000, 2000, 3000};
    poll_context c{p, std::nullopt, &plan};
    // Polled at 1.9 s on an older plan: 2 s is 100 ms away, a fifth of the gap there.
    EXPECT_EQ(next_poll(c, {t0, 1, 1s}, {{}, task_state::running, {}}, t0 + 1900ms, rng).at,
              t0 + 3000ms);
    // At 1.2 s, 2 s is 800 ms away: kept.
    EXPECT_EQ(next_poll(c, {t0, 1, 1s}, {{}, task_state::running, {}}, t0 + 1200ms, rng).at,
              t0 + 2000ms);
}

TEST(PollRules, WithNothingKnownOneTaskScoutsTheOthersWait) {
    auto p = poll_policy::adaptive(500ms);
    poll_context scout{p, std::nullopt};
    EXPECT_EQ(first_poll(scout, {t0}, t0).at, t0 + p.delays.base());
    poll_context other{p, std::nullopt};
    other.scout = false;
    EXPECT_EQ(first_poll(other, {t0}, t0).at, t0 + 2 * p.target_delay);

    poll_planner planner;
    const task_shape shape{42, 10};
    EXPECT_TRUE(planner.scout(shape, t0, 1s));
    EXPECT_FALSE(planner.scout(shape, t0 + 10ms, 1s));   // its cohort waits
    EXPECT_TRUE(planner.scout({43, 10}, t0 + 10ms, 1s)); // another pipeline scouts for itself
    EXPECT_TRUE(planner.scout(shape, t0 + 1001ms, 1s));  // a second later, a new scout
}

TEST(PollPlan, MeetsTheTargetDelayWithGapsWithinBounds) {
    for (double sigma : {0.05, 0.3, 0.8, 1.5}) {
        const auto plan = plan_polls({3000, sigma}, 300ms, {100ms, 30s});
        EXPECT_LE(plan.expected_delay_ms, 300.0 + 1e-6) << sigma;
        ASSERT_FALSE(plan.at_ms.empty());
        EXPECT_GE(plan.at_ms.front(), 100u);
        for (std::size_t i = 1; i < plan.at_ms.size(); ++i) {
            EXPECT_GE(plan.at_ms[i] - plan.at_ms[i - 1], 100u);
            EXPECT_LE(plan.at_ms[i] - plan.at_ms[i - 1], 30000u);
        }
        // The plan's own figures agree with an independent evaluation of its times.
        const auto check = evaluate_schedule({3000, sigma}, plan.at_ms, {100ms, 30s});
        EXPECT_NEAR(check.expected_polls, plan.expected_polls, 0.05 * plan.expected_polls);
    }
    // A nearly certain time: one poll just after it.
    const auto sharp = plan_polls({3000, 0.02}, 300ms, {100ms, 30s});
    EXPECT_LT(sharp.expected_polls, 1.3);
    EXPECT_GT(sharp.at_ms.front(), 2800u);
    EXPECT_LT(sharp.at_ms.front(), 3400u);
}

TEST(PollPlan, BeatsAFixedIntervalAtTheSameDelay) {
    // Fixed 1 s against a log-normal of median 3 s: the plan at the same mean
    // delay needs fewer polls (the optimum is the plan's whole point).
    std::vector<std::uint32_t> fixed;
    for (std::uint32_t t = 1000; t <= 60000; t += 1000)
        fixed.push_back(t);
    const auto baseline = evaluate_schedule({3000, 0.8}, fixed, {100ms, 30s});
    const auto plan = plan_polls(
        {3000, 0.8}, std::chrono::milliseconds(static_cast<long long>(baseline.expected_delay_ms)),
        {100ms, 30s});
    EXPECT_LT(plan.expected_polls, baseline.expected_polls);
}

TEST(ServiceTimeModel, LearnsPerSizeAndBorrowsFromNeighbours) {
    service_time_model m;
    EXPECT_FALSE(m.estimate({7, 100}));
    for (int i = 0; i < 20; ++i) {
        m.record({7, 100}, 1000 * std::exp(0.1 * ((i % 5) - 2)));
        m.record({7, 1600}, 8000);
    }
    auto here = m.estimate({7, 100});
    ASSERT_TRUE(here);
    EXPECT_NEAR(here->median_ms, 1000, 50);
    EXPECT_NEAR(here->sigma, 0.14, 0.05);
    auto between = m.estimate({7, 400}); // between the two known sizes
    ASSERT_TRUE(between);
    EXPECT_GT(between->median_ms, 1000);
    EXPECT_LT(between->median_ms, 8000);
    EXPECT_FALSE(m.estimate({8, 100})); // another pipeline knows nothing yet
    // Bounded: the least recently used pipelines are forgotten.
    for (std::uint64_t p = 100; p < 100 + service_time_model::max_pipelines; ++p)
        for (int i = 0; i < 3; ++i)
            m.record({p, 10}, 500);
    EXPECT_FALSE(m.estimate({7, 100}));
}

TEST(ServiceTimeModel, RecoversALogNormalFromItsSamples) {
    service_time_model m;
    std::mt19937_64 rng(5);
    std::lognormal_distribution<double> times(std::log(3000.0), 0.8);
    for (int i = 0; i < 2000; ++i)
        m.record({9, 9}, times(rng));
    auto e = m.estimate({9, 9});
    ASSERT_TRUE(e);
    EXPECT_NEAR(e->median_ms, 3000, 450);
    EXPECT_NEAR(e->sigma, 0.8, 0.12);
    // The plan for it meets its target under the true distribution too.
    const auto plan = plan_polls(*e, 500ms, {100ms, 30s});
    const auto truth = evaluate_schedule({3000, 0.8}, plan.at_ms, {100ms, 30s});
    EXPECT_NEAR(truth.expected_delay_ms, 500, 100);
}

TEST(ServiceTimeModel, PlansOnlyOnceAFewTasksFinishedAndTheRunningOnesWereCounted) {
    service_time_model m;
    for (unsigned i = 1; i < service_time_model::min_samples; ++i)
        m.record({5, 5}, 1000);
    EXPECT_FALSE(m.estimate({5, 5})); // four samples: mostly prior
    m.record({5, 5}, 1000);
    EXPECT_TRUE(m.estimate({5, 5}));
    // With a scheduler counting running tasks, a pipeline that just became
    // known waits for the census: its first finishers are its short tasks.
    service_time_model counted;
    counted.census_source(+1);
    for (unsigned i = 0; i < service_time_model::min_samples; ++i)
        counted.record({5, 5}, 1000);
    EXPECT_TRUE(counted.census_wanted());
    EXPECT_FALSE(counted.estimate({5, 5}));
    counted.census_begin();
    counted.census_end();
    EXPECT_FALSE(counted.census_wanted());
    EXPECT_TRUE(counted.estimate({5, 5}));
    // A pipeline that becomes known after the last scheduler stopped is
    // planned for at once: no census is coming.
    for (unsigned i = 0; i < service_time_model::min_samples - 1; ++i)
        counted.record({6, 5}, 1000);
    counted.record({6, 5}, 1000);
    EXPECT_FALSE(counted.estimate({6, 5}));
    counted.census_source(-1);
    EXPECT_TRUE(counted.estimate({6, 5}));
}

TEST(ServiceTimeModel, TasksStillRunningKeepTheEstimateUnbiased) {
    // 400 tasks start at once. Three seconds in, only the short ones have
    // finished: fitted to them alone, the model would think tasks take half
    // their real time; counted with the ones still running, it is near the truth.
    std::mt19937_64 rng(3);
    std::lognormal_distribution<double> times(std::log(3000.0), 0.8);
    service_time_model with_census, finished_only;
    std::vector<std::pair<std::uint64_t, double>> tasks;
    for (int i = 0; i < 400; ++i) {
        finished_only.start();
        tasks.emplace_back(with_census.start(), times(rng));
    }
    for (double now = 500; now <= 3000; now += 500) {
        for (const auto& [start, took] : tasks)
            if (took <= now && took > now - 500) {
                with_census.record({1, 50}, took, start);
                finished_only.record({1, 50}, took, start);
            }
        with_census.census_begin();
        for (const auto& [start, took] : tasks)
            if (took > now)
                with_census.census({1, 50}, start, now);
        with_census.census_end();
    }
    const auto biased = finished_only.estimate({1, 50});
    const auto corrected = with_census.estimate({1, 50});
    ASSERT_TRUE(biased && corrected);
    EXPECT_LT(biased->median_ms, 1600);
    EXPECT_NEAR(corrected->median_ms, 3000, 500);
    EXPECT_NEAR(corrected->sigma, 0.8, 0.2);
}

TEST(ServiceTimeModel, ASizeUnseenForMillionsOfStartsIsForgottenCleanly) {
    // Weights grow with each start and are scaled back now and then: a size
    // not seen again for millions of starts decays to nothing and is dropped
    // whole, never left with a count and no weight.
    service_time_model m;
    for (std::uint64_t start = 1; start <= 5; ++start)
        m.record({1, 10}, 500, start);
    for (std::uint64_t k = 1; k <= 40; ++k)
        m.record({1, 1000}, 4000, k * 100'000);
    m.census_begin();
    m.census({1, 10}, 4'000'000, 200);
    m.census({1, 1000}, 4'000'000, 200);
    m.census_end();
    const auto small = m.estimate({1, 10}); // from the sizes still known
    ASSERT_TRUE(small);
    EXPECT_TRUE(std::isfinite(small->median_ms) && std::isfinite(small->sigma));
    EXPECT_NEAR(small->median_ms, 4000, 2000);
}
