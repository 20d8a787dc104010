// `oneai batch` as a process: killed with SIGKILL at random moments and
// resumed, sharded, and given bad input.

#include "../support/cli_process.hpp"

#include <oneai/emulator/embedded_server.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <unistd.h>

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// Runs `oneai` with `args` to its end, its stderr in `log`; returns the exit
// status. A run that hangs is killed and fails the test (cli_process::wait).
int spawn_oneai(const std::vector<std::string>& args, const std::string& log = "") {
    oneai::test::cli_io io;
    io.stderr_path = log;
    return oneai::test::run_oneai(args, io, std::chrono::seconds(120));
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

class BatchCliTest : public ::testing::Test {
  protected:
    fs::path dir = fs::temp_directory_path() / ("oneai-batch-cli-" + std::to_string(::getpid()));
    oneai::emulator::config cfg;
    std::unique_ptr<oneai::emulator::embedded_server> server;

    BatchCliTest() {
        fs::create_directories(dir);
        cfg.port = 0;
        cfg.workers = 0;
        cfg.latency = oneai::emulator::latency_model::parse("uniform:20ms..200ms");
    }
    ~BatchCliTest() override { fs::remove_all(dir); }

    std::string write_input(int lines, const std::string& name = "in.jsonl") {
        std::ofstream out(dir / name);
        for (int i = 0; i < lines; ++i)
            out << R"({"id":"doc-)" << i << R"(","text":"Document )" << i
                << R"( says Maria Lopez met the board in London."})"
                << "\n";
        return (dir / name).string();
    }

    std::vector<std::string> base_args() {
        return {"--base-url", server->base_url(), "--api-key", "k", "--poll", "fixed:30ms"};
    }

    // index -> status of every line in an output file
    std::map<std::uint64_t, std::string> outcomes(const std::string& path,
                                                  std::size_t* lines = nullptr) {
        std::map<std::uint64_t, std::string> out;
        std::ifstream in(path);
        std::string line;
        std::size_t count = 0;
        while (std::getline(in, line)) {
            ++count;
            auto v = boost::json::parse(line).as_object();
            auto index = v.at("index").to_number<std::uint64_t>();
            EXPECT_FALSE(out.contains(index)) << "index " << index << " written twice";
            out[index] = std::string(v.at("status").as_string());
        }
        if (lines)
            *lines = count;
        return out;
    }

    // The last whole record of each index in a journal ("I", "T", "U", "E" or "F").
    static std::map<std::uint64_t, char> last_records(const std::string& journal) {
        std::map<std::uint64_t, char> last;
        for (const auto& record : oneai::test::read_lines(journal))
            if (record.size() > 2 && record[1] == ' ' &&
                std::string_view("ITUEF").find(record[0]) != std::string_view::npos)
                last[std::stoull(record.substr(2))] = record[0];
        return last;
    }
    // Indexes whose intent is the last record: submits that may have gone out
    // and whose answer (a task id, a refusal) was never recorded.
    static std::set<std::uint64_t> unanswered_intents(const std::string& journal) {
        std::set<std::uint64_t> out;
        for (const auto& [index, kind] : last_records(journal))
            if (kind == 'I')
                out.insert(index);
        return out;
    }
    static std::size_t indexes_with_task_ids(const std::string& journal) {
        std::set<std::uint64_t> indexes;
        for (const auto& record : oneai::test::read_lines(journal))
            if (record.starts_with("T "))
                indexes.insert(std::stoull(record.substr(2)));
        return indexes.size();
    }
    static std::size_t task_records(const std::string& journal) {
        std::size_t n = 0;
        for (const auto& record : oneai::test::read_lines(journal))
            n += record.starts_with("T ");
        return n;
    }

    int stat(const char* name) {
        return boost::json::parse(server->stats_json()).at(name).to_number<int>();
    }
};

} // namespace

TEST_F(BatchCliTest, KilledAtRandomMomentsAndResumedLosesAndRepeatsNothing) {
    server = std::make_unique<oneai::emulator::embedded_server>(cfg);
    const int total = 1500;
    const int concurrency = 100;
    const std::string input = write_input(total);
    const std::string output = (dir / "out.jsonl").string();
    const std::string journal = output + ".journal";
    auto args = base_args();
    args.insert(args.end(), {"batch", input, "-o", output, "--skill", "keywords", "--concurrency",
                             std::to_string(concurrency), "--progress", "never"});
    // Each run is killed once the service has received a random number (250
    // to 350) of further submits: random moments, chosen by events rather
    // than a clock, so every run is killed mid-batch however fast or slow the
    // machine is.
    std::mt19937 rng(12345);
    int kills = 0;
    std::set<std::uint64_t> in_doubt; // submits in flight at some kill, never answered since
    int created_without_id = 0;       // tasks the service made whose ids no journal holds
    for (int round = 0; round < 4; ++round) {
        auto run_args = args;
        if (round > 0)
            run_args.push_back("--resume");
        const int target = stat("submits") + std::uniform_int_distribution<int>(250, 350)(rng);
        oneai::test::cli_io io;
        io.stderr_path = (dir / "run.log").string();
        oneai::test::cli_process p(run_args, io);
        ASSERT_TRUE(
            oneai::test::wait_until([&] { return stat("submits") >= target || !p.running(); }, 60s))
            << p.stderr_text();
        ASSERT_TRUE(p.running()) << "the batch ended before it could be killed:\n"
                                 << p.stderr_text();
        EXPECT_EQ(p.kill(), -SIGKILL);
        ++kills;
        // Tasks made by this run whose ids its journal lacks: only the submits
        // whose answers were on their way at the kill, so at most the
        // concurrency. A journal that lost task ids would show hundreds.
        const int now_without_id =
            stat("submits") - static_cast<int>(indexes_with_task_ids(journal));
        EXPECT_LE(now_without_id - created_without_id, concurrency)
            << "round " << round << ": the journal lacks the ids of tasks the service made";
        created_without_id = now_without_id;
        // The submits in doubt: intents with nothing after them (those of an
        // earlier kill stay in doubt: they are never resent).
        for (auto index : unanswered_intents(journal))
            in_doubt.insert(index);
    }
    EXPECT_LE(static_cast<int>(in_doubt.size()), kills * concurrency);
    auto final_args = args;
    final_args.push_back("--resume");
    int status = spawn_oneai(final_args, (dir / "final.log").string());
    EXPECT_TRUE(status == 0 || status == 3) << read_file((dir / "final.log").string());

    std::size_t lines = 0;
    auto by_index = outcomes(output, &lines);
    EXPECT_EQ(lines, static_cast<std::size_t>(total)); // exactly one outcome per input
    EXPECT_EQ(by_index.size(), static_cast<std::size_t>(total));
    std::set<std::uint64_t> unknown_items;
    for (const auto& [index, s] : by_index) {
        EXPECT_TRUE(s == "COMPLETED" || s == "UNKNOWN") << index << " " << s;
        if (s == "UNKNOWN")
            unknown_items.insert(index);
    }
    // Exactly the submits in flight at the kills, whose answers no run
    // recorded, are UNKNOWN: every other item was waited on by its task id.
    EXPECT_EQ(unknown_items, in_doubt);
    const std::size_t unknown = unknown_items.size();

    // Nothing was submitted twice: unknown outcomes are reported, not resent.
    EXPECT_EQ(stat("duplicate_submits"), 0);
    EXPECT_LE(stat("submits"), total);
    EXPECT_GE(stat("submits"), total - static_cast<int>(unknown));
    std::cout << "[ info     ] " << kills << " kills, " << unknown << " unknown outcomes, "
              << stat("submits") << " submits for " << total << " lines\n";
}

TEST_F(BatchCliTest, ShardsCoverEveryLineOnce) {
    cfg.latency = oneai::emulator::latency_model::fixed(10ms);
    server = std::make_unique<oneai::emulator::embedded_server>(cfg);
    const std::string input = write_input(103);
    std::set<std::uint64_t> all;
    std::size_t lines_total = 0;
    for (int k = 0; k < 4; ++k) {
        const std::string output = (dir / ("shard" + std::to_string(k))).string();
        auto args = base_args();
        args.insert(args.end(), {"batch", input, "-o", output, "--skill", "keywords", "--shard",
                                 std::to_string(k) + "/4", "--progress", "never"});
        ASSERT_EQ(spawn_oneai(args), 0);
        std::size_t lines = 0;
        for (const auto& [index, s] : outcomes(output, &lines)) {
            EXPECT_EQ(index % 4, static_cast<std::uint64_t>(k));
            EXPECT_TRUE(all.insert(index).second);
        }
        lines_total += lines;
    }
    EXPECT_EQ(all.size(), 103u);
    EXPECT_EQ(lines_total, 103u);
}

// A shard killed mid-batch and resumed with the same --shard: every line of
// the shard ends with one outcome, no line of another shard is touched, and
// nothing is submitted twice.
TEST_F(BatchCliTest, AShardKilledAndResumedFinishesExactlyItsLines) {
    server = std::make_unique<oneai::emulator::embedded_server>(cfg);
    const int total = 103;
    const std::string input = write_input(total);
    const std::string output = (dir / "shard1.jsonl").string();
    const std::string journal = output + ".journal";
    auto args = base_args();
    args.insert(args.end(), {"batch", input, "-o", output, "--skill", "keywords", "--shard", "1/3",
                             "--concurrency", "5", "--progress", "never"});
    {
        oneai::test::cli_io io;
        io.stderr_path = (dir / "first.log").string();
        oneai::test::cli_process p(args, io);
        ASSERT_TRUE(oneai::test::wait_until(
            [&] { return task_records(journal) >= 10 || !p.running(); }, 60s))
            << p.stderr_text();
        ASSERT_TRUE(p.running()) << "the shard ended before it could be killed";
        EXPECT_EQ(p.kill(), -SIGKILL);
    }
    const std::size_t in_doubt = unanswered_intents(journal).size();
    for (const auto& [index, kind] : last_records(journal))
        EXPECT_EQ(index % 3, 1u) << "the shard journaled line " << index + 1;

    auto resume = args;
    resume.push_back("--resume");
    const std::string log = (dir / "resume.log").string();
    const int status = spawn_oneai(resume, log);
    EXPECT_TRUE(status == 0 || (status == 3 && in_doubt > 0)) << status << "\n" << read_file(log);
    std::size_t lines = 0;
    std::size_t completed = 0;
    std::set<std::uint64_t> seen;
    for (const auto& [index, s] : outcomes(output, &lines)) {
        EXPECT_EQ(index % 3, 1u) << "line " << index + 1 << " is another shard's";
        EXPECT_TRUE(s == "COMPLETED" || s == "UNKNOWN") << index << " " << s;
        completed += s == "COMPLETED";
        seen.insert(index);
    }
    const std::size_t shard_lines = (total + 1) / 3; // lines 2, 5, ..., 103: 34
    EXPECT_EQ(lines, shard_lines);
    EXPECT_EQ(seen.size(), shard_lines);
    EXPECT_EQ(completed, shard_lines - in_doubt);
    EXPECT_EQ(stat("duplicate_submits"), 0);
    // Submits in doubt at the kill may or may not have reached the service.
    EXPECT_LE(stat("submits"), static_cast<int>(shard_lines));
    EXPECT_GE(stat("submits"), static_cast<int>(shard_lines - in_doubt));
}

TEST_F(BatchCliTest, OrderedOutput) {
    server = std::make_unique<oneai::emulator::embedded_server>(cfg);
    const std::string output = (dir / "ordered.jsonl").string();
    auto args = base_args();
    args.insert(args.end(), {"batch", write_input(150), "-o", output, "--skill", "keywords",
                             "--ordered", "--progress", "never"});
    ASSERT_EQ(spawn_oneai(args), 0);
    std::ifstream in(output);
    std::string line;
    std::uint64_t expected = 0;
    while (std::getline(in, line))
        EXPECT_EQ(boost::json::parse(line).at("index").to_number<std::uint64_t>(), expected++);
    EXPECT_EQ(expected, 150u);
}

TEST_F(BatchCliTest, BadLinesAreReportedAndRecordedButDoNotStopTheBatch) {
    server = std::make_unique<oneai::emulator::embedded_server>(cfg);
    const fs::path input = dir / "mixed.jsonl";
    std::ofstream(input)
        << "\"a plain text line\"\n{broken\n{\"text\":\"Another line.\",\"tag\":\"x\"}\n42\n";
    const std::string output = (dir / "mixed-out.jsonl").string();
    const std::string log = (dir / "mixed.log").string();
    auto args = base_args();
    args.insert(args.end(), {"batch", input.string(), "-o", output, "--skill", "keywords",
                             "--progress", "never"});
    EXPECT_EQ(spawn_oneai(args, log), 3); // some items failed
    auto by_index = outcomes(output);
    EXPECT_EQ(by_index.at(0), "COMPLETED");
    EXPECT_EQ(by_index.at(1), "INVALID");
    EXPECT_EQ(by_index.at(2), "COMPLETED");
    EXPECT_EQ(by_index.at(3), "INVALID");
    std::string messages = read_file(log);
    EXPECT_NE(messages.find("line 2: not JSON"), std::string::npos) << messages;
    EXPECT_NE(messages.find("line 4: "), std::string::npos) << messages;
    // The echoed field travels to the output.
    std::ifstream in(output);
    std::string line, all;
    while (std::getline(in, line))
        all += line;
    EXPECT_NE(all.find("\"tag\":\"x\""), std::string::npos);

    auto fail_fast = base_args();
    fail_fast.insert(fail_fast.end(),
                     {"batch", input.string(), "-o", (dir / "ff.jsonl").string(), "--skill",
                      "keywords", "--fail-fast", "--concurrency", "1", "--progress", "never"});
    EXPECT_EQ(spawn_oneai(fail_fast), 3);
    // Line 1 completes, line 2 is invalid: the batch stops there, before lines 3 and 4.
    EXPECT_EQ(outcomes((dir / "ff.jsonl").string()).size(), 2u);
}

TEST_F(BatchCliTest, UnreadableInputAndUnwritableOutputAreUsageErrors) {
    server = std::make_unique<oneai::emulator::embedded_server>(cfg);
    const std::string log = (dir / "err.log").string();
    auto args = base_args();
    args.insert(args.end(), {"batch", "/nonexistent/in.jsonl", "--skill", "keywords"});
    EXPECT_EQ(spawn_oneai(args, log), 2);
    EXPECT_NE(read_file(log).find("cannot read the input '/nonexistent/in.jsonl'"),
              std::string::npos);

    auto out_args = base_args();
    out_args.insert(out_args.end(), {"batch", write_input(3), "-o", "/nonexistent/dir/out.jsonl",
                                     "--skill", "keywords"});
    EXPECT_EQ(spawn_oneai(out_args, log), 2);
    EXPECT_NE(read_file(log).find("cannot write"), std::string::npos) << read_file(log);

    auto no_steps = base_args();
    no_steps.insert(no_steps.end(), {"batch", write_input(3)});
    EXPECT_EQ(spawn_oneai(no_steps, log), 2);
    auto bad_shard = base_args();
    bad_shard.insert(bad_shard.end(),
                     {"batch", write_input(3), "--skill", "keywords", "--shard", "4/4"});
    EXPECT_EQ(spawn_oneai(bad_shard, log), 2);
}
