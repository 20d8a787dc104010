// The `oneai` command line itself: help, --version, the environment standing in
// for flags, a bare number of seconds, bad flags, and the bash completion.

#include "../support/cli_process.hpp"

#include <oneai/emulator/embedded_server.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

using namespace std::chrono_literals;
using oneai::test::run_cli;
using oneai::test::run_shell;

namespace {

const std::string oneai_program = ONEAI_CLI;

class CliFlagsTest : public ::testing::Test {
  protected:
    oneai::emulator::config cfg;
    std::unique_ptr<oneai::emulator::embedded_server> server;
    CliFlagsTest() {
        cfg.port = 0;
        cfg.latency = oneai::emulator::latency_model::fixed(10ms);
    }
    void start() { server = std::make_unique<oneai::emulator::embedded_server>(cfg); }
};

// Completes the words given (the last one is being typed) with the script as
// built, as bash does on TAB, and returns the candidates, one per line.
std::string complete(const std::string& words) {
    auto r = run_shell("bash -c 'source " + std::string(ONEAI_BASH_COMPLETION) +
                       " && COMP_WORDS=(" + words +
                       ") && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && _oneai && "
                       "printf \"%s\\n\" \"${COMPREPLY[@]}\"'");
    EXPECT_EQ(r.status, 0) << words << "\n" << r.output;
    return r.output;
}

} // namespace

TEST_F(CliFlagsTest, HelpNamesEveryCommandAndEachCommandHasItsOwn) {
    auto r = run_cli("--help");
    EXPECT_EQ(r.status, 0) << r.output;
    for (const char* command : {"run", "status", "wait", "batch", "bench", "emulator"}) {
        EXPECT_NE(r.output.find("\n  " + std::string(command) + " "), std::string::npos)
            << command << "\n"
            << r.output;
        auto own = run_cli(std::string(command) + " --help");
        EXPECT_EQ(own.status, 0) << command << "\n" << own.output;
        EXPECT_NE(own.output.find("Usage: oneai"), std::string::npos) << command;
    }
    // The variables that stand in for flags are named where the flags are.
    for (const char* variable : {"ONEAI_BASE_URL", "ONEAI_API_KEY", "ONEAI_TIMEOUT"})
        EXPECT_NE(r.output.find(variable), std::string::npos) << variable;
    EXPECT_NE(run_cli("run --help").output.find("--conversation"), std::string::npos);
    EXPECT_NE(run_cli("batch --help").output.find("--concurrency"), std::string::npos);
}

TEST_F(CliFlagsTest, VersionPrintsTheProjectVersion) {
    const std::string expected = "oneai " ONEAI_PROJECT_VERSION "\n";
    auto r = run_cli("--version");
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.output, expected);
    EXPECT_EQ(run_cli("emulator --version").output, expected);
    auto emulator = run_shell(std::string(ONEAI_EMULATOR_PROGRAM) + " --version");
    EXPECT_EQ(emulator.status, 0);
    EXPECT_EQ(emulator.output, "oneai-emulator " ONEAI_PROJECT_VERSION "\n");
}

TEST_F(CliFlagsTest, TheEnvironmentStandsInForAbsentFlags) {
    start();
    const std::string run = " " + oneai_program + " --poll fixed:10ms run --skill summarize " +
                            "--text 'The board met in London.'";
    // No --base-url, no --api-key: both from the environment.
    auto from_env = run_shell("ONEAI_BASE_URL=" + server->base_url() + " ONEAI_API_KEY=k" + run);
    EXPECT_EQ(from_env.status, 0) << from_env.output;
    EXPECT_NE(from_env.output.find("Summary:"), std::string::npos) << from_env.output;
    // A flag wins over its variable.
    auto flag_wins =
        run_shell("ONEAI_BASE_URL=http://127.0.0.1:1 ONEAI_API_KEY=k " + oneai_program +
                  " --base-url " + server->base_url() + run.substr(oneai_program.size() + 1));
    EXPECT_EQ(flag_wins.status, 0) << flag_wins.output;
    // A variable's value is checked as the flag's is.
    auto bad = run_shell("ONEAI_TIMEOUT=soon ONEAI_BASE_URL=" + server->base_url() +
                         " ONEAI_API_KEY=k" + run);
    EXPECT_EQ(bad.status, 2) << bad.output;
    EXPECT_NE(bad.output.find("--timeout: bad duration 'soon'"), std::string::npos) << bad.output;
    // The key file from the environment, when no key is given otherwise.
    auto key_file = run_shell("ONEAI_API_KEY= ONEAI_API_KEY_FILE=/nonexistent" + run);
    EXPECT_EQ(key_file.status, 2) << key_file.output;
    EXPECT_NE(key_file.output.find("cannot read '/nonexistent'"), std::string::npos)
        << key_file.output;
}

TEST_F(CliFlagsTest, ABareNumberOfSecondsBoundsTheRun) {
    cfg.latency = oneai::emulator::latency_model::fixed(1h); // only the --timeout ends it
    start();
    auto r = run_cli("--base-url " + server->base_url() +
                     " --api-key k --poll fixed:20ms --timeout 0.2 run --skill summarize "
                     "--text hello");
    EXPECT_EQ(r.status, 5) << r.output; // 0.2 seconds, not refused for its missing unit
    EXPECT_NE(r.output.find("resume with: oneai wait "), std::string::npos) << r.output;
    // Batch's per-item bound reads the same way.
    auto batch = run_cli("batch /nonexistent.jsonl --skill summarize --task-timeout 2");
    EXPECT_EQ(batch.status, 2);
    EXPECT_NE(batch.output.find("cannot read the input"), std::string::npos) << batch.output;
}

TEST_F(CliFlagsTest, ABadFlagIsNamedAndExits2) {
    struct expectation {
        const char* args;
        const char* message;
    };
    for (auto [args, message] : {
             expectation{"--bogus run --skill s --text t", "oneai: unknown global flag '--bogus'"},
             expectation{"run --skill s --text t --bogus", "oneai: unknown flag '--bogus' for run"},
             expectation{"--api-key", "oneai: --api-key needs a value"},
             expectation{"--completion zsh", "only bash is known"},
             expectation{"batch in.jsonl --skill s --bogus", "unknown batch flag '--bogus'"},
             expectation{"batch in.jsonl --skill s --concurrency many",
                         "--concurrency: 'many' is not a number >= 1"},
             expectation{"emulator --bogus", "unknown flag '--bogus'"},
         }) {
        auto r = run_cli(args);
        EXPECT_EQ(r.status, 2) << args << "\n" << r.output;
        EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
    }
}

TEST_F(CliFlagsTest, BashCompletesCommandsAndTheirFlags) {
    EXPECT_EQ(complete("oneai ba"), "batch\n");
    const auto batch_flags = complete("oneai batch --con");
    EXPECT_NE(batch_flags.find("--concurrency\n"), std::string::npos) << batch_flags;
    EXPECT_EQ(batch_flags.find("--base-url"), std::string::npos) << batch_flags;
    EXPECT_NE(complete("oneai --emulator run --sk").find("--skill"), std::string::npos);
    EXPECT_EQ(complete("oneai batch in.jsonl --progress n"), "never\n");
    EXPECT_NE(complete("oneai emulator --po").find("--port"), std::string::npos);
    // The script oneai prints is the one built for installation.
    EXPECT_EQ(run_cli("--completion bash").output, oneai::test::read_file(ONEAI_BASH_COMPLETION));
}
