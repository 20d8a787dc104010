// The fault soak: a large batch against an emulator that resets, fails, slows
// down and refuses, killed with SIGKILL at random moments and resumed to the
// end. Every input must end with exactly one outcome line, and nothing may be
// submitted twice unless the user asked for unknowns to be resubmitted.

#include "../support/cli_process.hpp"

#include <oneai/emulator/embedded_server.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

using namespace std::chrono_literals;
using namespace oneai::test;
namespace fs = std::filesystem;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int soak_items = 5000; // the same paths, at a size ASan runs in bounded time
#else
constexpr int soak_items = 20000;
#endif

class BatchSoakTest : public ::testing::Test {
  protected:
    fs::path dir = fs::temp_directory_path() / ("oneai-soak-" + std::to_string(::getpid()));
    oneai::emulator::config cfg;
    std::unique_ptr<oneai::emulator::embedded_server> server;

    BatchSoakTest() {
        fs::create_directories(dir);
        cfg.port = 0;
        cfg.workers = 0;
        cfg.latency = oneai::emulator::latency_model::parse("uniform:10ms..100ms");
        cfg.faults.reset_rate = 0.02;
        cfg.faults.http_500_rate = 0.01;
        cfg.faults.http_503_rate = 0.01;
        cfg.faults.slow_rate = 0.05;
        cfg.faults.slow_delay = 300ms;
        cfg.faults.storm_every = 4000ms; // every 4 s, 0.4 s of 429s to every submit
        cfg.faults.storm_length = 400ms;
        cfg.faults.task_failure_rate = 0.03;
    }
    ~BatchSoakTest() override { fs::remove_all(dir); }

    long stat(const char* name) const {
        return boost::json::parse(server->stats_json()).at(name).to_number<long>();
    }
    long fault(const char* name) const {
        return boost::json::parse(server->stats_json()).at("faults").at(name).to_number<long>();
    }
};

} // namespace

TEST_F(BatchSoakTest, KilledFiveTimesUnderFaultsThenResumedToTheEnd) {
    server = std::make_unique<oneai::emulator::embedded_server>(cfg);
    const std::string input = (dir / "in.jsonl").string();
    {
        std::ofstream out(input);
        for (int i = 0; i < soak_items; ++i)
            out << R"({"id":"doc-)" << i << R"(","text":"Document )" << i
                << R"( says Maria Lopez met the board in London."})"
                << "\n";
    }
    const std::string output = (dir / "out.jsonl").string();
    const std::vector<std::string> base{"--base-url",
                                        server->base_url(),
                                        "--api-key",
                                        "k",
                                        "--poll",
                                        "fixed:25ms",
                                        "batch",
                                        input,
                                        "-o",
                                        output,
                                        "--skill",
                                        "keywords",
                                        "--concurrency",
                                        "300",
                                        "--progress",
                                        "never"};
    // Each run is killed once a random number of further task ids (1/40 to
    // 1/10 of the items) are in its journal: random moments chosen by events,
    // so all five kills land mid-batch however fast or slow the machine is.
    const std::string journal = output + ".journal";
    auto task_records = [&] {
        std::size_t n = 0;
        for (const auto& line : read_lines(journal))
            n += line.starts_with("T ");
        return n;
    };
    std::mt19937 rng(20261129);
    int kills = 0;
    for (int round = 0; round < 5; ++round) {
        auto args = base;
        if (round > 0)
            args.push_back("--resume");
        const std::size_t target = task_records() + std::uniform_int_distribution<std::size_t>(
                                                        soak_items / 40, soak_items / 10)(rng);
        cli_io io;
        io.stderr_path = (dir / "run.log").string();
        cli_process p(args, io);
        ASSERT_TRUE(wait_until([&] { return task_records() >= target || !p.running(); }, 120s))
            << "no progress to " << target << " task ids:\n"
            << p.stderr_text();
        ASSERT_TRUE(p.running()) << "the batch ended before its kill:\n" << p.stderr_text();
        p.kill();
        ++kills;
    }

    // Resume until no item is left to retry (ERROR items are retried by each resume).
    std::vector<outcome> outcomes;
    for (int round = 0; round < 10; ++round) {
        auto args = base;
        args.push_back("--resume");
        const std::string log = (dir / "final.log").string();
        cli_io io;
        io.stderr_path = log;
        const exit_status status = run_oneai(args, io, 120s);
        ASSERT_TRUE(status == 0 || status == 3) << describe(status) << "\n" << read_file(log);
        outcomes = read_outcomes(output);
        bool retryable_left = false;
        for (const auto& o : outcomes)
            retryable_left = retryable_left || o.status == "ERROR";
        if (!retryable_left)
            break;
    }
    ASSERT_TRUE(one_line_per_index(outcomes, soak_items));
    std::size_t unknown = 0, failed = 0, errors = 0;
    for (const auto& o : outcomes) {
        unknown += o.status == "UNKNOWN";
        failed += o.status == "FAILED";
        errors += o.status == "ERROR";
        EXPECT_TRUE(o.status == "COMPLETED" || o.status == "FAILED" || o.status == "UNKNOWN")
            << o.line;
    }
    EXPECT_EQ(errors, 0u);
    EXPECT_GT(failed, 0u); // the 3% task failures were met and reported
    EXPECT_GT(fault("storm_429"), 0);
    EXPECT_GT(fault("resets"), 0);
    // Without --resubmit-unknown nothing was sent twice.
    EXPECT_EQ(stat("duplicate_submits"), 0);
    std::cout << "[ info     ] " << soak_items << " items, " << kills << " kills: " << unknown
              << " unknown, " << failed << " failed; " << stat("submits") << " submits, "
              << fault("storm_429") << " storm 429s, " << fault("resets") << " resets\n";

    // Resubmitting the unknowns: each may have run once already, so the service
    // sees at most that many duplicates, and every input still has one line.
    auto args = base;
    args.insert(args.end(), {"--resume", "--resubmit-unknown"});
    cli_io resubmit_io;
    resubmit_io.stderr_path = (dir / "resubmit.log").string();
    const exit_status status = run_oneai(args, resubmit_io, 120s);
    ASSERT_TRUE(status == 0 || status == 3) << describe(status);
    outcomes = read_outcomes(output);
    ASSERT_TRUE(one_line_per_index(outcomes, soak_items));
    EXPECT_LE(stat("duplicate_submits"), static_cast<long>(unknown));
    std::cout << "[ info     ] --resubmit-unknown: " << stat("duplicate_submits")
              << " duplicate submits for " << unknown << " unknowns resubmitted\n";
    if (unknown > 0) {
        EXPECT_GT(stat("duplicate_submits"), 0) << "resets after processing leave tasks behind";
    }
}
