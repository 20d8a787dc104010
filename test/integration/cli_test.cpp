// The `oneai` program: its output and exit status for each outcome class.

#include "../support/cli_process.hpp"

#include <oneai/emulator/embedded_server.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace std::chrono_literals;

namespace {

using oneai::test::run_cli;
using oneai::test::run_shell;

class CliTest : public ::testing::Test {
  protected:
    oneai::emulator::config cfg;
    std::unique_ptr<oneai::emulator::embedded_server> server;
    CliTest() {
        cfg.port = 0;
        cfg.latency = oneai::emulator::latency_model::fixed(50ms);
    }
    long stat(const char* name) const {
        return boost::json::parse(server->stats_json()).at(name).to_number<long>();
    }
    std::string start() {
        server = std::make_unique<oneai::emulator::embedded_server>(cfg);
        return "--base-url " + server->base_url() + " --api-key k --poll fixed:20ms ";
    }
};

const std::string text =
    "'Maria Lopez met the board in London on Tuesday. The team will publish the report.'";

} // namespace

TEST_F(CliTest, RunPrintsAReadableSummary) {
    auto r = run_cli("--emulator run --skill summarize --skill names --text " + text);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("Summary: Maria Lopez met the board in London on Tuesday."),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("names: Maria Lopez (PERSON)"), std::string::npos) << r.output;
}

TEST_F(CliTest, JsonPrintsTheRawResult) {
    auto flags = start();
    auto r = run_cli(flags + "run --skill keywords --json --text " + text);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output.rfind("{\"input\":[", 0), 0u) << r.output;
}

TEST_F(CliTest, NoWaitThenWait) {
    auto flags = start();
    auto submitted = run_cli(flags + "run --skill summarize --no-wait --text " + text);
    ASSERT_EQ(submitted.status, 0) << submitted.output;
    std::string id = submitted.output.substr(0, submitted.output.find('\n'));
    ASSERT_EQ(id.size(), 36u) << submitted.output;
    auto status = run_cli(flags + "status " + id);
    EXPECT_EQ(status.status, 0) << status.output;
    EXPECT_EQ(status.output.rfind(id, 0), 0u);
    auto waited = run_cli(flags + "wait " + id);
    EXPECT_EQ(waited.status, 0) << waited.output;
    EXPECT_NE(waited.output.find("Summary:"), std::string::npos);
}

TEST_F(CliTest, SyncRun) {
    auto flags = start();
    auto r = run_cli(flags + "run --sync --skill sentences --text " + text);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("sentences:"), std::string::npos);
    // It went to the sync endpoint, and only there.
    const auto stats = boost::json::parse(server->stats_json());
    EXPECT_EQ(stats.at("sync_runs"), 1);
    EXPECT_EQ(stats.at("submits"), 0);
}

TEST_F(CliTest, UsageErrorsExit2) {
    for (const char* args :
         {"", "run", "run --text hi", "run --skill summarize", "frobnicate", "--bogus run",
          "run --skill summarize --text a --url b", "wait", "--timeout soon run --skill s --text t",
          "run --skill summarize --file /nonexistent.txt", "--timeout 0s run --skill s --text t",
          "--timeout 0 run --skill s --text t",
          "--api-key-file /nonexistent run --skill s --text t",
          "run --skill summarize --conversation /nonexistent.json"}) {
        auto r = run_cli(args);
        EXPECT_EQ(r.status, 2) << args << "\n" << r.output;
        EXPECT_NE(r.output.find("oneai: "), std::string::npos) << args;
    }
}

TEST_F(CliTest, TheKeyComesFromAFileAndABareTimeoutIsSeconds) {
    auto flags = start();
    const std::string key_file = ::testing::TempDir() + "oneai-key-" + std::to_string(::getpid());
    std::FILE* f = std::fopen(key_file.c_str(), "w");
    ASSERT_TRUE(f);
    std::fputs("  from-a-file \n", f); // as `echo` writes it, with blanks around
    std::fclose(f);
    auto r = run_cli("--base-url " + server->base_url() + " --api-key-file " + key_file +
                     " --timeout 30 --poll fixed:20ms run --skill summarize --text " + text);
    EXPECT_EQ(r.status, 0) << r.output;
    std::remove(key_file.c_str());
    auto empty = run_cli("--api-key-file /dev/null run --skill s --text t");
    EXPECT_EQ(empty.status, 2) << empty.output;
    EXPECT_NE(empty.output.find("holds no key"), std::string::npos) << empty.output;
}

TEST_F(CliTest, AClosedStdoutEndsQuietly) {
    auto flags = start();
    // The reader (`true`) is gone before the result is written: SIGPIPE is
    // ignored, the failed write is not an error, and nothing is printed.
    const std::string status_file =
        ::testing::TempDir() + "oneai-pipe-" + std::to_string(::getpid());
    auto r =
        run_shell("(" + std::string(ONEAI_CLI) + " " + flags + "run --skill summarize --text " +
                  text + "; echo $? >" + status_file + ") | true");
    std::FILE* f = std::fopen(status_file.c_str(), "r");
    ASSERT_TRUE(f) << r.output;
    int status = -1;
    EXPECT_EQ(std::fscanf(f, "%d", &status), 1);
    std::fclose(f);
    std::remove(status_file.c_str());
    EXPECT_EQ(status, 0) << r.output;
    EXPECT_EQ(r.output, "") << "a closed stdout is not worth a message";
}

TEST_F(CliTest, FailedTaskExits3) {
    cfg.faults.task_failure_rate = 1.0;
    auto r = run_cli(start() + "run --skill summarize --text " + text);
    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_NE(r.output.find("the task failed"), std::string::npos);
    EXPECT_NE(r.output.find("50000"), std::string::npos);
}

TEST_F(CliTest, RefusedRequestExits4WithTheServersMessage) {
    auto r = run_cli(start() + "run --skill telepathy --text " + text);
    EXPECT_EQ(r.status, 4) << r.output;
    EXPECT_NE(r.output.find("40003"), std::string::npos);
    EXPECT_NE(r.output.find("telepathy"), std::string::npos);
    auto unknown = run_cli(start() + "status 075f954c-e1d7-4b80-b24d-e460fd266c2c");
    EXPECT_EQ(unknown.status, 4) << unknown.output;
}

TEST_F(CliTest, UnreachableServerExits5) {
    auto r =
        run_cli("--base-url http://127.0.0.1:1 --api-key k run --skill summarize --text " + text);
    EXPECT_EQ(r.status, 5) << r.output;
    EXPECT_NE(r.output.find("hint: check --base-url"), std::string::npos);
}

TEST_F(CliTest, TimeoutExits5AndTellsHowToResume) {
    cfg.latency = oneai::emulator::latency_model::fixed(1h); // only the --timeout can end it
    auto r = run_cli(start() + "--timeout 300ms run --skill summarize --text " + text);
    EXPECT_EQ(r.status, 5) << r.output;
    EXPECT_NE(r.output.find("resume with: oneai wait "), std::string::npos) << r.output;
}

TEST_F(CliTest, CtrlCDuringAWaitExits130AndPrintsTheTask) {
    cfg.latency = oneai::emulator::latency_model::fixed(1h); // only Ctrl-C can end the wait
    start();
    const std::string log = ::testing::TempDir() + "oneai-ctrl-c-" + std::to_string(::getpid());
    oneai::test::cli_io io;
    io.stderr_path = log;
    oneai::test::cli_process p({"--base-url", server->base_url(), "--api-key", "k", "--poll",
                                "fixed:20ms", "run", "--skill", "summarize", "--text", "hello"},
                               io);
    // Waiting: the service has answered a poll of the task (so its id is known).
    ASSERT_TRUE(oneai::test::wait_until([&] { return stat("polls") >= 1 || !p.running(); }, 20s))
        << "no poll reached the emulator:\n"
        << p.stderr_text();
    ASSERT_TRUE(p.running()) << p.stderr_text();
    p.send(SIGINT);
    const auto status = p.wait(20s);
    EXPECT_EQ(status, 130) << oneai::test::describe(status) << "\n" << p.stderr_text();
    EXPECT_NE(p.stderr_text().find("Resume with: oneai wait "), std::string::npos)
        << p.stderr_text();
    std::remove(log.c_str());
}

TEST_F(CliTest, EmulatorCommandHelp) {
    auto r = run_cli("emulator --help");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.output.find("--max-concurrent-jobs"), std::string::npos);
    EXPECT_EQ(run_cli("emulator --port nope").status, 2);
}
