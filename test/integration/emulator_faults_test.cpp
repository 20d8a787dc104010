// Each injected fault, seen from a client.

#include "../support/emulator_fixture.hpp"

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
