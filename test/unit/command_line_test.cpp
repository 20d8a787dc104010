#include <oneai/emulator/command_line.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

using namespace oneai::emulator;
using namespace std::chrono_literals;

namespace {
command_line parse(std::vector<std::string_view> args) {
    return parse_command_line(args);
}
} // namespace

TEST(CommandLine, DefaultsMatchTheDocumentation) {
    auto cl = parse({});
    EXPECT_EQ(cl.cfg.port, 8080);
    EXPECT_EQ(cl.cfg.workers, 256u);
    EXPECT_EQ(cl.cfg.latency.to_string(), "fixed:200ms");
    EXPECT_EQ(cl.cfg.body_limit, 32u * 1024 * 1024);
    EXPECT_TRUE(cl.cfg.api_keys.empty());
}

TEST(CommandLine, ReadsEveryFlagInBothForms) {
    auto cl = parse({"--port",
                     "0",
                     "--workers=4",
                     "--latency",
                     "uniform:1ms..2ms",
                     "--ttl",
                     "5s",
                     "--api-key",
                     "a",
                     "--api-key=b",
                     "--max-concurrent-jobs",
                     "50",
                     "--retry-after",
                     "3",
                     "--submit-status",
                     "202",
                     "--seed",
                     "9",
                     "--task-failure-rate",
                     "0.1",
                     "--http-500-rate",
                     "0.2",
                     "--http-503-rate",
                     "0.3",
                     "--reset-rate",
                     "0.4",
                     "--slow-rate",
                     "0.5",
                     "--slow-delay",
                     "1s",
                     "--storm-every",
                     "10s",
                     "--storm-length",
                     "2s",
                     "--body-limit",
                     "1M",
                     "--header-limit",
                     "8K",
                     "--idle-timeout",
                     "5s"});
    const config& c = cl.cfg;
    EXPECT_EQ(c.port, 0);
    EXPECT_EQ(c.workers, 4u);
    EXPECT_EQ(c.latency.to_string(), "uniform:1ms..2ms");
    EXPECT_EQ(c.ttl, 5s);
    EXPECT_EQ(c.api_keys, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(c.max_concurrent_jobs, 50u);
    EXPECT_EQ(c.retry_after, 3s);
    EXPECT_TRUE(c.submit_status_202);
    EXPECT_EQ(c.seed, 9u);
    EXPECT_DOUBLE_EQ(c.faults.task_failure_rate, 0.1);
    EXPECT_DOUBLE_EQ(c.faults.http_500_rate, 0.2);
    EXPECT_DOUBLE_EQ(c.faults.http_503_rate, 0.3);
    EXPECT_DOUBLE_EQ(c.faults.reset_rate, 0.4);
    EXPECT_DOUBLE_EQ(c.faults.slow_rate, 0.5);
    EXPECT_EQ(c.faults.slow_delay, 1s);
    EXPECT_EQ(c.faults.storm_every, 10s);
    EXPECT_EQ(c.faults.storm_length, 2s);
    EXPECT_EQ(c.body_limit, 1024u * 1024);
    EXPECT_EQ(c.header_limit, 8u * 1024);
    EXPECT_EQ(c.idle_timeout, 5s);
}

TEST(CommandLine, BadFlagsSayWhatIsWrong) {
    auto message_of = [](std::vector<std::string_view> args) {
        try {
            parse(args);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(message_of({"--bogus"}).find("unknown flag '--bogus'"), std::string::npos);
    EXPECT_NE(message_of({"--port"}).find("--port needs a value"), std::string::npos);
    EXPECT_NE(message_of({"--port", "70000"}).find("--port"), std::string::npos);
    EXPECT_NE(message_of({"--reset-rate", "2"}).find("--reset-rate"), std::string::npos);
    EXPECT_NE(message_of({"--latency", "fast"}).find("--latency"), std::string::npos);
    EXPECT_NE(message_of({"--tls-cert", "a.pem"}).find("go together"), std::string::npos);
    EXPECT_NE(message_of({"--api-key="}).find("must not be empty"), std::string::npos);
}

TEST(CommandLine, HelpMentionsEveryFlag) {
    std::string usage = command_line_usage("oneai-emulator");
    for (const char* flag :
         {"--port", "--workers", "--latency", "--ttl", "--api-key", "--max-concurrent-jobs",
          "--retry-after", "--seed", "--task-failure-rate", "--http-500-rate", "--http-503-rate",
          "--reset-rate", "--slow-rate", "--storm-every", "--tls-cert", "--body-limit",
          "--max-stored-tasks", "--max-csv-rows", "--max-connections"})
        EXPECT_NE(usage.find(flag), std::string::npos) << flag;
}

TEST(CommandLine, ResourceLimitsHaveSaneDefaultsAndFlags) {
    auto defaults = parse({});
    EXPECT_EQ(defaults.cfg.max_stored_tasks, 1'000'000u);
    EXPECT_EQ(defaults.cfg.max_csv_rows, 100'000u);
    EXPECT_EQ(defaults.cfg.max_connections, 10'000u);
    auto set = parse({"--max-stored-tasks", "5", "--max-csv-rows=6", "--max-connections", "7"});
    EXPECT_EQ(set.cfg.max_stored_tasks, 5u);
    EXPECT_EQ(set.cfg.max_csv_rows, 6u);
    EXPECT_EQ(set.cfg.max_connections, 7u);
    EXPECT_THROW(parse({"--max-connections", "0"}), std::invalid_argument);
}

TEST(CommandLine, IdsComeFromTheSeedOnlyWhenOneIsGiven) {
    EXPECT_FALSE(parse({}).cfg.seeded_ids);
    auto seeded = parse({"--seed", "3"});
    EXPECT_TRUE(seeded.cfg.seeded_ids);
    EXPECT_EQ(seeded.cfg.seed, 3u);
}

TEST(CommandLine, StrictModesAndScheduledFaults) {
    auto defaults = parse({});
    EXPECT_EQ(defaults.cfg.failed_error_in, config::failed_error_field::both);
    EXPECT_EQ(defaults.cfg.retry_after_form, config::retry_after_format::seconds);
    EXPECT_TRUE(defaults.cfg.faults.scheduled.empty());
    auto cl = parse({"--failed-error-in", "result", "--retry-after-form=asctime-date",
                     "--idle-timeout", "150ms", "--fault", "reset:first-post", "--fault=503:get#3",
                     "--fault", "slow:any#12"});
    EXPECT_EQ(cl.cfg.failed_error_in, config::failed_error_field::result_only);
    EXPECT_EQ(cl.cfg.retry_after_form, config::retry_after_format::asctime_date);
    EXPECT_EQ(cl.cfg.idle_timeout, 150ms); // not truncated to whole seconds
    using fault = scheduled_fault;
    ASSERT_EQ(cl.cfg.faults.scheduled.size(), 3u);
    EXPECT_EQ(cl.cfg.faults.scheduled[0],
              (fault{fault::effect::reset, fault::request_kind::post, 1}));
    EXPECT_EQ(cl.cfg.faults.scheduled[1],
              (fault{fault::effect::http_503, fault::request_kind::get, 3}));
    EXPECT_EQ(cl.cfg.faults.scheduled[2].to_string(), "slow:any#12");
    EXPECT_TRUE(cl.cfg.faults.any());
    EXPECT_EQ(parse({"--failed-error-in", "error"}).cfg.failed_error_in,
              config::failed_error_field::error_only);
    for (auto [text, form] : {std::pair{"imf-date", config::retry_after_format::imf_date},
                              std::pair{"rfc850-date", config::retry_after_format::rfc850_date},
                              std::pair{"seconds", config::retry_after_format::seconds}})
        EXPECT_EQ(parse({"--retry-after-form", text}).cfg.retry_after_form, form) << text;
}

TEST(CommandLine, BadStrictModesAndFaultsSayWhatIsWrong) {
    auto message_of = [](std::vector<std::string_view> args) {
        try {
            parse(args);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(message_of({"--fault", "reset"}).find("no ':'"), std::string::npos);
    EXPECT_NE(message_of({"--fault", "explode:post#1"}).find("unknown fault 'explode'"),
              std::string::npos);
    EXPECT_NE(message_of({"--fault", "reset:put#1"}).find("unknown request kind 'put'"),
              std::string::npos);
    EXPECT_NE(message_of({"--fault", "reset:post"}).find("no '#N'"), std::string::npos);
    EXPECT_NE(message_of({"--fault", "reset:post#0"}).find("from 1"), std::string::npos);
    EXPECT_NE(message_of({"--fault", "reset:post#x"}).find("--fault"), std::string::npos);
    EXPECT_NE(message_of({"--failed-error-in", "neither"}).find("both, error or result"),
              std::string::npos);
    EXPECT_NE(message_of({"--retry-after-form", "http"}).find("imf-date"), std::string::npos);
    EXPECT_NE(message_of({"--idle-timeout", "0ms"}).find("at least 1ms"), std::string::npos);
    std::string usage = command_line_usage("oneai-emulator");
    for (const char* flag : {"--fault", "--failed-error-in", "--retry-after-form",
                             "--submit-status", "--idle-timeout"})
        EXPECT_NE(usage.find(flag), std::string::npos) << flag;
}

TEST(CommandLine, ADurationsBareNumberIsSeconds) {
    auto cl = parse({"--ttl", "5", "--slow-delay=1.5", "--idle-timeout", "0.2"});
    EXPECT_EQ(cl.cfg.ttl, 5s);
    EXPECT_EQ(cl.cfg.faults.slow_delay, 1500ms);
    EXPECT_EQ(cl.cfg.idle_timeout, 200ms);
    EXPECT_THROW(parse({"--ttl", "soon"}), std::invalid_argument);
}

TEST(CommandLine, RepeatableFlagsKeepEveryValueInOrderAndOthersTheLast) {
    auto cl = parse({"--api-key", "a", "--port", "1", "--api-key", "b", "--port", "2"});
    EXPECT_EQ(cl.cfg.api_keys, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(cl.cfg.port, 2);
}

TEST(CommandLine, VersionAndHelpAreFlagsToo) {
    EXPECT_TRUE(parse({"--version"}).show_version);
    EXPECT_TRUE(parse({"--help"}).show_help);
    EXPECT_TRUE(parse({"-h"}).show_help);
    const auto names = command_line_flag_names();
    for (const char* flag : {"--port", "--fault", "--failed-error-in", "--version", "--help"})
        EXPECT_NE(std::find(names.begin(), names.end(), flag), names.end()) << flag;
}

TEST(CommandLine, TheEnvironmentStandsInForAbsentAddressAndPort) {
    ::setenv("ONEAI_EMULATOR_PORT", "9999", 1);
    ::setenv("ONEAI_EMULATOR_ADDRESS", "0.0.0.0", 1);
    auto from_env = parse({});
    auto flag_wins = parse({"--port", "7"});
    auto bad = [] {
        ::setenv("ONEAI_EMULATOR_PORT", "huge", 1);
        try {
            parse({});
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    }();
    ::unsetenv("ONEAI_EMULATOR_PORT");
    ::unsetenv("ONEAI_EMULATOR_ADDRESS");
    EXPECT_EQ(from_env.cfg.port, 9999);
    EXPECT_EQ(from_env.cfg.address, "0.0.0.0");
    EXPECT_EQ(flag_wins.cfg.port, 7);
    EXPECT_NE(bad.find("--port: 'huge'"), std::string::npos) << bad;
}
