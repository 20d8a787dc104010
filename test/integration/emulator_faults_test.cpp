// Each injected fault, seen from a client.

#include "../support/emulator_fixture.hpp"

#include "emulator/api_router.hpp"

#include <boost/system/system_error.hpp>

using namespace oneai::test;
using namespace std::chrono_literals;

TEST_F(EmulatorTest, Http500Fault) {
    cfg.faults.http_500_rate = 1.0;
    start();
    auto answer = call(post_json("/api/v0/pipeline/async", simple_body));
    EXPECT_EQ(answer.status, 500u);
    EXPECT_EQ(answer.json().at("status_code"), 50000);
    EXPECT_EQ(stats().at("submits"), 0); // refused before processing
    EXPECT_EQ(stats().at("faults").at("http_500"), 1);
}

TEST_F(EmulatorTest, Http503Fault) {
    cfg.faults.http_503_rate = 1.0;
    start();
    auto answer = call(get("/api/v0/pipeline/async/tasks/075f954c-e1d7-4b80-b24d-e460fd266c2c"));
    EXPECT_EQ(answer.status, 503u);
    EXPECT_EQ(answer.json().at("status_code"), 50002);
}

TEST_F(EmulatorTest, ResetAfterProcessingLosesTheResponse) {
    cfg.faults.reset_rate = 1.0;
    start();
    EXPECT_THROW(call(post_json("/api/v0/pipeline/async", simple_body)),
                 boost::system::system_error);
    // The submit was processed: the task exists although the client never saw its id.
    auto s = stats();
    EXPECT_EQ(s.at("submits"), 1);
    EXPECT_EQ(s.at("faults").at("resets"), 1);
    EXPECT_EQ(s.at("tasks").at("stored").to_number<int>() +
                      s.at("tasks").at("completed").to_number<int>() >
                  0,
              true);
}

TEST_F(EmulatorTest, SlowResponsesAreHeldBack) {
    cfg.faults.slow_rate = 1.0;
    cfg.faults.slow_delay = 300ms;
    start();
    auto begin = std::chrono::steady_clock::now();
    auto answer = call(post_json("/api/v0/pipeline/async", simple_body));
    EXPECT_EQ(answer.status, 200u);
    // A lower bound only: the fault must delay, however fast the machine.
    EXPECT_GE(std::chrono::steady_clock::now() - begin, 300ms);
    EXPECT_EQ(stats().at("faults").at("slow"), 1);
}

TEST_F(EmulatorTest, StormsRefuseSubmitsButNotPolls) {
    cfg.faults.storm_every = 1h;
    cfg.faults.storm_length = 1h; // the whole test runs inside the storm
    cfg.retry_after = 1s;
    start();
    auto refused = call(post_json("/api/v0/pipeline/async", simple_body));
    EXPECT_EQ(refused.status, 429u);
    EXPECT_EQ(refused.json().at("status_code"), 60009);
    EXPECT_EQ(refused.header("retry-after"), "1");
    EXPECT_EQ(call(get("/api/v0/pipeline/async/tasks/075f954c-e1d7-4b80-b24d-e460fd266c2c")).status,
              404u);
    EXPECT_EQ(stats().at("faults").at("storm_429"), 1);
}

TEST_F(EmulatorTest, TaskFailureFault) {
    cfg.faults.task_failure_rate = 1.0;
    start();
    auto done = wait_for(submit(simple_body));
    ASSERT_EQ(done.at("status"), "FAILED");
    EXPECT_EQ(done.at("error").at("status_code"), 50000);
    EXPECT_EQ(done.at("result").at("status_code"), 50000);
    EXPECT_FALSE(done.at("error").at("request_id").as_string().empty());
}

TEST_F(EmulatorTest, SameSeedSameFaults) {
    cfg.faults.http_503_rate = 0.5;
    cfg.seed = 42;
    auto pattern = [&] {
        start();
        std::string out;
        for (int i = 0; i < 40; ++i)
            out += call(get("/api/v0/pipeline/async/tasks/075f954c-e1d7-4b80-b24d-e460fd266c2c"))
                               .status == 503
                       ? 'x'
                       : '.';
        server.reset();
        return out;
    };
    std::string first = pattern();
    EXPECT_EQ(first, pattern());
    EXPECT_NE(first.find('x'), std::string::npos);
    EXPECT_NE(first.find('.'), std::string::npos);
}

namespace {

namespace detail = oneai::emulator::detail;

detail::http_request api_request(detail::http::verb method, const std::string& target,
                                 const std::string& body = {}) {
    detail::http_request r{method, target, 11};
    r.set("api-key", "k");
    r.body() = body;
    r.prepare_payload();
    return r;
}

boost::json::value body_of(const detail::reply& r) {
    return boost::json::parse(r.response.body());
}

// A pipeline that fails in a way no skill plans for.
detail::pipeline_outcome throwing_pipeline(const detail::pipeline_request&,
                                           const detail::queue_snapshot&) {
    throw std::logic_error("a bug in a skill");
}

// Succeeds when the task finishes, throws when its result is recomputed for a poll.
int pipeline_runs = 0;
detail::pipeline_outcome throwing_on_recompute(const detail::pipeline_request& r,
                                               const detail::queue_snapshot& q) {
    if (++pipeline_runs > 1)
        throw std::bad_alloc();
    return detail::run_pipeline(r, q);
}

struct router_under_test {
    oneai::emulator::config cfg;
    std::mt19937_64 rng{1};
    detail::emulator_stats stats;
    detail::task_store store{cfg, rng, stats};
    detail::steady_time now = detail::steady_time{} + 1h;
    detail::api_router router{cfg, store, stats, now};

    std::string submit() {
        auto r = router.handle(
            api_request(detail::http::verb::post, "/api/v0/pipeline/async", simple_body), now);
        EXPECT_EQ(r.response.result_int(), 200u) << r.response.body();
        return std::string(body_of(r).at("task_id").as_string());
    }
    detail::reply poll(const std::string& id) {
        return router.handle(
            api_request(detail::http::verb::get, "/api/v0/pipeline/async/tasks/" + id), now);
    }
};

} // namespace

TEST(EmulatorRouterTest, AnUnexpectedExceptionFailsItsTaskNotTheServer) {
    router_under_test t;
    t.store.runner = &throwing_pipeline;
    std::string id = t.submit();
    t.now += 1s;
    ASSERT_NO_THROW(t.store.advance(t.now)); // this runs on the server's timer
    auto polled = t.poll(id);
    ASSERT_EQ(polled.response.result_int(), 200u);
    EXPECT_EQ(body_of(polled).at("status"), "FAILED");
    EXPECT_EQ(body_of(polled).at("error").at("status_code"), 50000);

    // A sync run answers 500 in the API's error shape.
    auto sync = t.router.handle(
        api_request(detail::http::verb::post, "/api/v0/pipeline", simple_body), t.now);
    ASSERT_TRUE(sync.await_sync);
    t.now += 1s;
    ASSERT_NO_THROW(t.store.advance(t.now));
    auto finished = t.router.finish_sync(*sync.await_sync, 11, true);
    EXPECT_EQ(finished.response.result_int(), 500u);
    EXPECT_EQ(body_of(finished).at("status_code"), 50000);
    EXPECT_FALSE(t.store.find(*sync.await_sync)); // forgotten, not leaked
}

TEST(EmulatorRouterTest, AnExceptionWhileAnsweringAPollFailsThatTask) {
    router_under_test t;
    pipeline_runs = 0;
    t.store.runner = &throwing_on_recompute;
    std::string id = t.submit();
    t.now += 1s;
    t.store.advance(t.now); // the first run succeeds: COMPLETED
    detail::reply polled;
    ASSERT_NO_THROW(polled = t.poll(id));
    ASSERT_EQ(polled.response.result_int(), 200u);
    EXPECT_EQ(body_of(polled).at("status"), "FAILED");
    EXPECT_EQ(body_of(polled).at("error").at("status_code"), 50000);
    EXPECT_EQ(t.poll("075f954c-e1d7-4b80-b24d-e460fd266c2c").response.result_int(), 404u);
}
