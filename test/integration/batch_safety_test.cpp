// `oneai batch` as a process, for what keeps a batch's files and tasks safe:
// same-file and existing-file refusals, piped input, the journal's lock,
// header and torn tail, 429 storms, retried errors, deadlines, task ids from
// the service, input files that stay under the input's folder, signals, and a
// closed stdout.
//
// Every wait is for an event (a line on stderr, a file's content, the
// emulator's counters, the exit); time limits only bound a test that fails.

#include "../support/canned_server.hpp"
#include "../support/cli_process.hpp"

#include <oneai/emulator/embedded_server.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <poll.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using oneai::test::cli_io;
using oneai::test::cli_process;
using oneai::test::contains_number_phrase;
using oneai::test::count_lines;
using oneai::test::describe;
using oneai::test::one_line_per_index;
using oneai::test::read_file;
using oneai::test::read_lines;
using oneai::test::read_outcomes;
using oneai::test::run_oneai;
using oneai::test::wait_until;

namespace {

constexpr std::string_view started_line = "oneai batch: started";
constexpr std::string_view refuse_existing =
    "pass --resume to continue, or --overwrite to start again";

// Writes all of `data` to `fd` (a pipe or FIFO); false on an error such as EPIPE.
bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Success when the file holds exactly `bytes` (a short message otherwise, not a diff).
::testing::AssertionResult holds(const std::string& path, const std::string& bytes) {
    const std::string now = read_file(path);
    if (now == bytes)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "'" << path << "' changed: " << bytes.size()
                                         << " bytes before, " << now.size() << " now";
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

class BatchSafetyTest : public ::testing::Test {
  protected:
    fs::path dir;
    oneai::emulator::config cfg;
    std::unique_ptr<oneai::emulator::embedded_server> server;
    void (*previous_sigpipe)(int) = SIG_DFL;

    BatchSafetyTest() {
        // A test writing into a pipe whose reader (a refused batch) is gone
        // must see EPIPE, not die. The children get SIGPIPE back (cli_process).
        previous_sigpipe = std::signal(SIGPIPE, SIG_IGN);
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir = fs::temp_directory_path() /
              ("oneai-batch-safety-" + std::to_string(::getpid()) + "-" + info->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
        cfg.port = 0;
        cfg.workers = 0;
        cfg.latency = oneai::emulator::latency_model::parse("uniform:20ms..200ms");
    }
    ~BatchSafetyTest() override {
        fs::remove_all(dir);
        std::signal(SIGPIPE, previous_sigpipe);
    }

    void start_emulator() { server = std::make_unique<oneai::emulator::embedded_server>(cfg); }

    std::string path(const std::string& name) const { return (dir / name).string(); }

    static std::string input_text(int lines) {
        std::string text;
        for (int i = 0; i < lines; ++i)
            text += R"({"id":"doc-)" + std::to_string(i) + R"(","text":"Document )" +
                    std::to_string(i) + R"( says Maria Lopez met the board in London."})" + "\n";
        return text;
    }
    std::string write_input(int lines, const std::string& name = "in.jsonl") {
        write_text(dir / name, input_text(lines));
        return path(name);
    }

    std::vector<std::string> global_args(const std::string& base_url) const {
        return {"--base-url", base_url, "--api-key", "k", "--poll", "fixed:30ms"};
    }
    // `oneai <global> batch INPUT -o OUTPUT --skill keywords --progress never <more>`
    std::vector<std::string> batch_args(const std::string& input, const std::string& output,
                                        const std::vector<std::string>& more = {}) const {
        auto args = global_args(server->base_url());
        args.insert(args.end(),
                    {"batch", input, "-o", output, "--skill", "keywords", "--progress", "never"});
        args.insert(args.end(), more.begin(), more.end());
        return args;
    }
    static std::vector<std::string> plus(std::vector<std::string> args,
                                         const std::vector<std::string>& more) {
        args.insert(args.end(), more.begin(), more.end());
        return args;
    }

    // stderr into DIR/<name>.log
    cli_io logged(const std::string& name, const std::string& cwd = "") const {
        cli_io io;
        io.stderr_path = path(name + ".log");
        io.cwd = cwd;
        return io;
    }
    std::string log_of(const std::string& name) const { return read_file(path(name + ".log")); }

    // Runs `args` to its end, and expects exit 0 with one COMPLETED line per
    // input in `output`, and (by default) nothing submitted twice.
    void expect_completes(const std::vector<std::string>& args, const std::string& output,
                          int total, const std::string& log, bool no_duplicates = true) {
        const auto status = run_oneai(args, logged(log));
        EXPECT_EQ(status, 0) << describe(status) << "\n" << log_of(log);
        EXPECT_TRUE(one_line_per_index(read_outcomes(output), total, "COMPLETED"));
        if (no_duplicates) {
            EXPECT_EQ(stat({"duplicate_submits"}), 0);
        }
    }

    // A counter of the emulator's stats, e.g. {"faults", "storm_429"}.
    std::int64_t stat(std::initializer_list<std::string_view> keys) const {
        const auto v = boost::json::parse(server->stats_json());
        const boost::json::value* at = &v;
        for (auto key : keys)
            at = &at->as_object().at(key);
        return at->to_number<std::int64_t>();
    }

    // Journal lines recording a task id ("T <index> <id>").
    static std::size_t task_records(const std::string& journal) {
        std::size_t n = 0;
        for (const auto& line : read_lines(journal))
            n += line.starts_with("T ");
        return n;
    }

    // Starts a batch and returns once it runs with every item's task id in
    // its journal: a signal or a kill then leaves no submit in doubt.
    std::unique_ptr<cli_process> start_with_all_submitted(const std::vector<std::string>& args,
                                                          const std::string& journal,
                                                          std::size_t total,
                                                          const std::string& log) {
        auto p = std::make_unique<cli_process>(args, logged(log));
        EXPECT_TRUE(p->wait_for_stderr_line(started_line, 20s))
            << "no '" << started_line << "' line on stderr:\n"
            << p->stderr_text();
        EXPECT_TRUE(
            wait_until([&] { return task_records(journal) >= total || !p->running(); }, 20s));
        EXPECT_TRUE(p->running()) << "the batch ended before every item was submitted:\n"
                                  << p->stderr_text();
        EXPECT_GE(task_records(journal), total) << read_file(journal);
        return p;
    }

    // Lines of a journal that say an item finished ("F <index> ...").
    static std::size_t finished_records(const std::string& journal) {
        std::size_t n = 0;
        for (const auto& line : read_lines(journal))
            n += line.starts_with("F ");
        return n;
    }

    // Expects a batch, sent a signal while its `total` tasks (each seconds
    // long) run, to have stopped now: the exit status is `expected`, and no
    // task was waited for (a drain would have written every outcome).
    void expect_stopped_now(cli_process& p, int expected, const std::string& output) {
        const auto status = p.wait(20s);
        EXPECT_EQ(status, expected) << describe(status) << "\n" << p.stderr_text();
        EXPECT_EQ(count_lines(output), 0u) << "it waited for its tasks instead of stopping now:\n"
                                           << read_file(output);
        EXPECT_EQ(finished_records(output + ".journal"), 0u);
    }

    // A signal that stops the batch now (see expect_stopped_now), and a
    // resume that finishes by waiting on the recorded task ids, submitting
    // nothing twice.
    void expect_signal_stops_now(int signal, int expected) {
        cfg.latency = oneai::emulator::latency_model::fixed(3000ms);
        start_emulator();
        const int total = 30;
        const std::string input = write_input(total);
        const std::string output = path("out.jsonl");
        const auto args = batch_args(input, output);
        auto p = start_with_all_submitted(args, output + ".journal", total, "run");
        ASSERT_FALSE(HasFailure());
        p->send(signal);
        expect_stopped_now(*p, expected, output);

        expect_completes(plus(args, {"--resume"}), output, total, "resume");
        EXPECT_EQ(stat({"submits"}), total);
    }
};

} // namespace

// 1. -o or --journal naming the input, or -o and --journal naming one file,
// however spelled, is a usage error that leaves the input alone.
TEST_F(BatchSafetyTest, SameFileIsRefusedWhateverTheSpelling) {
    start_emulator();
    const std::string original = input_text(5);

    struct attempt {
        std::string what;
        std::vector<std::string> flags; // after `batch`, run in the attempt's folder
    };
    // `at`: the attempt's folder, for the absolute spellings.
    auto attempts = [](const std::string& at) -> std::vector<attempt> {
        return {
            {"-o is the input", {"in.jsonl", "-o", "in.jsonl"}},
            {"-o is the input spelled ./", {"in.jsonl", "-o", "./in.jsonl"}},
            {"-o is the input spelled absolutely", {"in.jsonl", "-o", at + "/in.jsonl"}},
            {"-o is a hard link to the input", {"in.jsonl", "-o", "hard.jsonl"}},
            {"-o is a symlink to the input", {"in.jsonl", "-o", "soft.jsonl"}},
            {"--journal is the input", {"in.jsonl", "-o", "out.jsonl", "--journal", "./in.jsonl"}},
            {"--journal is a hard link to the input",
             {"in.jsonl", "-o", "out.jsonl", "--journal", "hard.jsonl"}},
            {"--journal is a symlink to the input",
             {"in.jsonl", "-o", "out.jsonl", "--journal", "soft.jsonl"}},
            {"-o and --journal: one new file",
             {"in.jsonl", "-o", "new.jsonl", "--journal", "new.jsonl"}},
            {"-o and --journal: one new file, once spelled ./",
             {"in.jsonl", "-o", "new.jsonl", "--journal", "./new.jsonl"}},
            {"-o and --journal: one new file, through sub/..",
             {"in.jsonl", "-o", "new.jsonl", "--journal", "sub/../new.jsonl"}},
            {"-o and --journal: one new file, relative and absolute",
             {"in.jsonl", "-o", "new.jsonl", "--journal", at + "/new.jsonl"}},
            {"-o and --journal: an empty output and a symlink to it",
             {"in.jsonl", "-o", "empty.jsonl", "--journal", "empty-link.journal"}},
        };
    };
    const std::size_t count = attempts("").size();
    for (std::size_t n = 0; n < count; ++n) {
        // Each attempt in a folder of its own, whatever an earlier one did to its files.
        const fs::path at = dir / ("attempt-" + std::to_string(n));
        fs::create_directories(at / "sub");
        const std::string input = (at / "in.jsonl").string();
        write_text(input, original);
        fs::create_hard_link(input, at / "hard.jsonl");
        fs::create_symlink(input, at / "soft.jsonl");
        write_text(at / "empty.jsonl", "");
        fs::create_symlink(at / "empty.jsonl", at / "empty-link.journal");

        const attempt a = attempts(at.string())[n];
        SCOPED_TRACE(a.what);
        auto args = global_args(server->base_url());
        args.push_back("batch");
        args.insert(args.end(), a.flags.begin(), a.flags.end());
        args.insert(args.end(), {"--skill", "keywords", "--progress", "never"});
        const std::string log = "same-" + std::to_string(n);
        const auto status = run_oneai(args, logged(log, at.string()));
        EXPECT_EQ(status, 2) << describe(status);
        EXPECT_NE(log_of(log).find("same file"), std::string::npos) << log_of(log);
        EXPECT_TRUE(holds(input, original));
    }
    EXPECT_EQ(stat({"submits"}), 0) << "a refused batch submitted tasks";
}

// 2. A non-empty output or journal needs --resume or --overwrite; refusing
// leaves both as they were. The journal defaults to OUT.journal.
TEST_F(BatchSafetyTest, ExistingOutputOrJournalNeedsResumeOrOverwrite) {
    start_emulator();
    const int total = 20;
    const std::string input = write_input(total);
    const std::string output = path("out.jsonl");
    const std::string journal = output + ".journal";
    const auto args = batch_args(input, output);
    auto status = run_oneai(args, logged("first"));
    ASSERT_EQ(status, 0) << describe(status) << "\n" << log_of("first");
    ASSERT_TRUE(one_line_per_index(read_outcomes(output), total, "COMPLETED"));
    ASSERT_TRUE(fs::exists(journal)) << "the journal defaults to OUT.journal";
    ASSERT_GT(fs::file_size(journal), 0u);
    const std::string output_bytes = read_file(output);
    const std::string journal_bytes = read_file(journal);

    {
        SCOPED_TRACE("both the output and the journal exist");
        status = run_oneai(args, logged("again"));
        EXPECT_EQ(status, 2) << describe(status);
        EXPECT_NE(log_of("again").find(refuse_existing), std::string::npos) << log_of("again");
        EXPECT_TRUE(holds(output, output_bytes));
        EXPECT_TRUE(holds(journal, journal_bytes));
    }
    {
        SCOPED_TRACE("only the journal exists");
        fs::rename(output, path("kept.jsonl"));
        status = run_oneai(args, logged("journal-only"));
        EXPECT_EQ(status, 2) << describe(status);
        EXPECT_NE(log_of("journal-only").find(refuse_existing), std::string::npos)
            << log_of("journal-only");
        EXPECT_TRUE(holds(journal, journal_bytes));
        EXPECT_TRUE(!fs::exists(output) || fs::file_size(output) == 0);
        fs::remove(output);
        fs::rename(path("kept.jsonl"), output);
    }
    {
        SCOPED_TRACE("only the output exists");
        fs::rename(journal, path("kept.journal"));
        status = run_oneai(args, logged("output-only"));
        EXPECT_EQ(status, 2) << describe(status);
        EXPECT_NE(log_of("output-only").find(refuse_existing), std::string::npos)
            << log_of("output-only");
        EXPECT_TRUE(holds(output, output_bytes));
        EXPECT_TRUE(!fs::exists(journal) || fs::file_size(journal) == 0);
        fs::remove(journal);
        fs::rename(path("kept.journal"), journal);
    }
    EXPECT_EQ(stat({"submits"}), total) << "a refused batch submitted tasks";

    status = run_oneai(plus(args, {"--overwrite"}), logged("overwrite"));
    EXPECT_EQ(status, 0) << describe(status) << "\n" << log_of("overwrite");
    EXPECT_TRUE(one_line_per_index(read_outcomes(output), total, "COMPLETED"))
        << "--overwrite starts the output again";
}

// 3. Standard input ("-", or /dev/stdin on a pipe) and a FIFO are read once.
TEST_F(BatchSafetyTest, PipedInputIsReadOnceAndStreamed) {
    start_emulator();
    const int total = 50;
    const std::string text = input_text(total);
    for (const std::string name : {"-", "/dev/stdin"}) {
        SCOPED_TRACE("input " + name);
        const std::string output = path(name == "-" ? "dash.jsonl" : "dev-stdin.jsonl");
        int fds[2];
        ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
        cli_io io = logged("stdin");
        io.stdin_fd = fds[0];
        cli_process p(batch_args(name, output), io);
        ::close(fds[0]);
        write_all(fds[1], text); // fits in the pipe: never blocks
        ::close(fds[1]);
        const auto status = p.wait();
        EXPECT_EQ(status, 0) << describe(status) << "\n" << p.stderr_text();
        EXPECT_TRUE(one_line_per_index(read_outcomes(output), total, "COMPLETED"));
    }
    {
        SCOPED_TRACE("input a FIFO");
        const std::string fifo = path("in.fifo");
        const std::string output = path("fifo.jsonl");
        ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
        cli_process p(batch_args(fifo, output), logged("fifo"));
        // Opening the FIFO for writing succeeds once oneai has it open for reading.
        int fd = -1;
        wait_until(
            [&] {
                fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
                return fd >= 0 || !p.running();
            },
            20s);
        ASSERT_GE(fd, 0) << "oneai never opened the FIFO:\n" << p.stderr_text();
        ::fcntl(fd, F_SETFL, 0);
        write_all(fd, text);
        ::close(fd);
        // A second open of the FIFO (reading it twice) would wait for a writer forever.
        const auto status = p.wait();
        EXPECT_EQ(status, 0) << describe(status) << "\n" << p.stderr_text();
        EXPECT_TRUE(one_line_per_index(read_outcomes(output), total, "COMPLETED"));
    }
}

// 4. A second batch on a journal in use is refused at once, naming the holder's
// PID; once the holder is killed, --resume finishes the job.
TEST_F(BatchSafetyTest, SecondBatchOnALockedJournalIsRefusedWithTheHoldersPid) {
    cfg.latency = oneai::emulator::latency_model::fixed(2000ms);
    start_emulator();
    const int total = 20;
    const std::string input = write_input(total);
    const std::string output = path("out.jsonl");
    const auto args = batch_args(input, output);
    auto first = start_with_all_submitted(args, output + ".journal", total, "first");
    ASSERT_FALSE(HasFailure());

    const auto resume = plus(args, {"--resume"});
    cli_process second(resume, logged("second"));
    const auto status = second.wait_for(20s);
    ASSERT_TRUE(status) << "the second batch waited instead of being refused:\n"
                        << second.stderr_text();
    EXPECT_EQ(*status, 2) << describe(*status);
    EXPECT_TRUE(contains_number_phrase(second.stderr_text(), "PID " + std::to_string(first->pid())))
        << "expected 'PID " << first->pid() << "' in:\n"
        << second.stderr_text();
    ASSERT_TRUE(first->running()) << "the first batch ended before the second tried";

    EXPECT_EQ(first->kill(), -SIGKILL);
    const auto resumed = run_oneai(resume, logged("resume"));
    EXPECT_EQ(resumed, 0) << describe(resumed) << "\n" << log_of("resume");
    EXPECT_TRUE(one_line_per_index(read_outcomes(output), total));
    EXPECT_EQ(stat({"duplicate_submits"}), 0);
}

// 5a. The journal's header fingerprints the pipeline: resuming with another is refused.
TEST_F(BatchSafetyTest, ResumeWithAnotherPipelineIsRefused) {
    start_emulator();
    const int total = 10;
    const std::string input = write_input(total);
    const std::string output = path("out.jsonl");
    auto status = run_oneai(batch_args(input, output), logged("first"));
    ASSERT_EQ(status, 0) << describe(status) << "\n" << log_of("first");
    const auto submits = stat({"submits"});

    auto other = global_args(server->base_url());
    other.insert(other.end(), {"batch", input, "-o", output, "--skill", "summarize", "--progress",
                               "never", "--resume"});
    status = run_oneai(other, logged("other"));
    EXPECT_EQ(status, 2) << describe(status) << "\n" << log_of("other");
    EXPECT_NE(log_of("other").find("pipeline"), std::string::npos) << log_of("other");
    EXPECT_EQ(stat({"submits"}), submits);

    // The refusal is about the pipeline, and it left the batch resumable.
    status = run_oneai(batch_args(input, output, {"--resume"}), logged("same"));
    EXPECT_EQ(status, 0) << describe(status) << "\n" << log_of("same");
    EXPECT_TRUE(one_line_per_index(read_outcomes(output), total, "COMPLETED"));
}

// 5b. Editing a line whose item was already submitted, then resuming, is refused.
TEST_F(BatchSafetyTest, ResumeAfterEditingASubmittedLineIsRefused) {
    start_emulator();
    const int total = 5;
    const std::string input = write_input(total);
    const std::string output = path("out.jsonl");
    auto status = run_oneai(batch_args(input, output), logged("first"));
    ASSERT_EQ(status, 0) << describe(status) << "\n" << log_of("first");
    const auto submits = stat({"submits"});

    write_text(output, ""); // the outcomes are gone; the journal remembers the submits
    auto lines = read_lines(input);
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(total));
    lines[0] = R"({"id":"doc-0","text":"An entirely different first line."})";
    std::string edited;
    for (const auto& l : lines)
        edited += l + "\n";
    write_text(input, edited);

    status = run_oneai(batch_args(input, output, {"--resume"}), logged("edited"));
    EXPECT_EQ(status, 2) << describe(status) << "\n" << log_of("edited");
    EXPECT_TRUE(contains_number_phrase(log_of("edited"), "line 1")) << log_of("edited");
    EXPECT_EQ(stat({"submits"}), submits);
}

// 6. A torn last journal record (a kill mid-write) is ignored, and the resume
// does not glue its own records onto it.
TEST_F(BatchSafetyTest, TornJournalTailIsIgnoredAndNeverMergedWithTheNextRecord) {
    cfg.latency = oneai::emulator::latency_model::fixed(2000ms);
    start_emulator();
    const int total = 30;
    const std::string input = write_input(total);
    const std::string output = path("out.jsonl");
    const std::string journal = output + ".journal";
    const auto args = batch_args(input, output);
    {
        auto p = start_with_all_submitted(args, journal, total, "first");
        ASSERT_FALSE(HasFailure());
        EXPECT_EQ(p->kill(), -SIGKILL);
    }
    // Index 12 has a real task id in the journal: read as a record, this torn
    // one would replace it with an id that does not exist. "torn" is not hex,
    // so no real record contains it.
    const std::string fragment = "T 12 torn";
    const std::string before = read_file(journal);
    ASSERT_FALSE(before.empty());
    ASSERT_EQ(before.back(), '\n');
    {
        std::ofstream out(journal, std::ios::binary | std::ios::app);
        out << fragment;
    }

    expect_completes(plus(args, {"--resume"}), output, total, "resume");

    const auto lines = read_lines(journal);
    ASSERT_FALSE(lines.empty());
    for (std::size_t i = 1; i < lines.size(); ++i) { // lines[0] is the header
        const auto& line = lines[i];
        EXPECT_TRUE(line.starts_with("I ") || line.starts_with("T ") || line.starts_with("U ") ||
                    line.starts_with("E ") || line.starts_with("F "))
            << "journal line " << i + 1 << ": '" << line << "'";
        if (line.find("torn") != std::string::npos) {
            EXPECT_EQ(line, fragment) << "the torn record was merged with another";
        }
    }
}

// 7. A storm of 429s slows the batch down but fails no item.
TEST_F(BatchSafetyTest, StormOf429sFailsNoItem) {
    cfg.faults.storm_every = 100000ms;
    cfg.faults.storm_length = 2000ms; // every submit of the first 2 s is refused
    start_emulator();
    const int total = 100;
    const std::string output = path("out.jsonl");
    const auto status =
        run_oneai(batch_args(write_input(total), output, {"--concurrency", "50"}), logged("storm"));
    EXPECT_EQ(status, 0) << describe(status) << "\n" << log_of("storm");
    EXPECT_TRUE(one_line_per_index(read_outcomes(output), total, "COMPLETED"));
    EXPECT_GT(stat({"faults", "storm_429"}), 0) << "the storm missed the batch";
}

// 8. Items that ended ERROR (here: their task timeout) are retried by --resume,
// by waiting on their task ids, not by submitting them again.
TEST_F(BatchSafetyTest, ErrorOutcomesAreRetriedByResumeWithoutResubmitting) {
    cfg.latency = oneai::emulator::latency_model::fixed(1500ms);
    start_emulator();
    const int total = 20;
    const std::string input = write_input(total);
    const std::string output = path("out.jsonl");
    auto status =
        run_oneai(batch_args(input, output, {"--task-timeout", "300ms"}), logged("short"));
    EXPECT_EQ(status, 3) << describe(status) << "\n" << log_of("short");
    std::size_t errors = 0;
    for (const auto& o : read_outcomes(output))
        errors += o.status == "ERROR";
    EXPECT_GT(errors, 0u) << read_file(output);

    status = run_oneai(batch_args(input, output, {"--resume", "--task-timeout", "30s"}),
                       logged("resume"));
    EXPECT_EQ(status, 0) << describe(status) << "\n" << log_of("resume");
    EXPECT_TRUE(one_line_per_index(read_outcomes(output), total, "COMPLETED"));
    EXPECT_EQ(stat({"duplicate_submits"}), 0);
}

// 8b. UNKNOWN items (the submit's answer was lost) stay UNKNOWN on --resume,
// and only --resume --resubmit-unknown sends them again, each once; a line
// that is final (INVALID) is never sent.
TEST_F(BatchSafetyTest, OnlyResubmitUnknownSendsUnknownItemsAgain) {
    cfg.faults.reset_rate = 1.0; // every request processed, then its answer lost
    start_emulator();
    const std::uint16_t port = server->port();
    const std::string input = path("in.jsonl");
    write_text(input, input_text(2) + R"({"nottext":1})" + "\n" +
                          R"({"text":"A fourth line, unlike the others."})" + "\n");
    const int total = 4;
    const std::string output = path("out.jsonl");
    const auto args = batch_args(input, output);
    auto status = run_oneai(args, logged("lost"));
    EXPECT_EQ(status, 3) << describe(status) << "\n" << log_of("lost");
    auto count = [&](const std::string& what) {
        std::size_t n = 0;
        for (const auto& o : read_outcomes(output))
            n += o.status == what;
        return n;
    };
    ASSERT_TRUE(one_line_per_index(read_outcomes(output), total)) << log_of("lost");
    EXPECT_EQ(count("UNKNOWN"), 3u) << read_file(output);
    EXPECT_EQ(count("INVALID"), 1u) << read_file(output);
    EXPECT_EQ(stat({"submits"}), 3) << "an unsure submit was sent again without being asked";

    // The same service, healthy again (a new emulator on the same port: the
    // journal is tied to the host).
    server.reset();
    cfg.faults.reset_rate = 0;
    cfg.port = port;
    start_emulator();

    status = run_oneai(plus(args, {"--resume"}), logged("resume"));
    EXPECT_EQ(status, 3) << describe(status) << "\n" << log_of("resume");
    EXPECT_TRUE(one_line_per_index(read_outcomes(output), total));
    EXPECT_EQ(count("UNKNOWN"), 3u) << "--resume alone resolved unknowns:\n" << read_file(output);
    EXPECT_EQ(stat({"submits"}), 0) << "--resume alone resubmitted an unknown item";

    status = run_oneai(plus(args, {"--resume", "--resubmit-unknown"}), logged("resubmit"));
    EXPECT_EQ(status, 3) << describe(status) << "\n" << log_of("resubmit"); // the INVALID line
    EXPECT_TRUE(one_line_per_index(read_outcomes(output), total)) << read_file(output);
    EXPECT_EQ(count("COMPLETED"), 3u) << read_file(output);
    EXPECT_EQ(count("INVALID"), 1u) << read_file(output);
    EXPECT_EQ(stat({"submits"}), 3); // each unknown item once, the invalid one never
    EXPECT_EQ(stat({"duplicate_submits"}), 0);

    // Nothing is left to resubmit: a further resume sends nothing.
    status = run_oneai(plus(args, {"--resume", "--resubmit-unknown"}), logged("again"));
    EXPECT_EQ(status, 3) << describe(status) << "\n" << log_of("again");
    EXPECT_EQ(stat({"submits"}), 3);
}

// 9. The global --timeout stops the whole batch (exit 5); --resume finishes it.
TEST_F(BatchSafetyTest, GlobalTimeoutStopsTheBatchAndResumeFinishes) {
    cfg.latency = oneai::emulator::latency_model::fixed(5000ms);
    start_emulator();
    const int total = 10;
    const std::string input = write_input(total);
    const std::string output = path("out.jsonl");
    auto args = global_args(server->base_url());
    // 2 s: time enough, on a busy machine, for the program to start and send
    // its first submits; far from the tasks' 5 s.
    args.insert(args.end(), {"--timeout", "2s", "batch", input, "-o", output, "--skill", "keywords",
                             "--progress", "never"});
    auto status = run_oneai(args, logged("timeout"));
    EXPECT_EQ(status, 5) << describe(status) << "\n" << log_of("timeout");
    // It stopped at its timeout: no task (5 s each) was waited for.
    EXPECT_EQ(count_lines(output), 0u) << "the batch waited for its tasks:\n" << read_file(output);
    EXPECT_GT(stat({"submits"}), 0) << "the timeout came before any submit: nothing was tested";

    status = run_oneai(batch_args(input, output, {"--resume"}), logged("resume"));
    EXPECT_EQ(status, 0) << describe(status) << "\n" << log_of("resume");
    EXPECT_TRUE(one_line_per_index(read_outcomes(output), total));
}

// 10. A task id from the service that is not a task id (a newline that would
// forge a journal record, a path) ends the item as ERROR bad_response and never
// reaches the journal. The canned answer is otherwise a valid COMPLETED status,
// so a client that used the id would report the item COMPLETED.
TEST_F(BatchSafetyTest, MalformedTaskIdsFromTheServiceAreRefused) {
    const std::string input = write_input(1);
    for (const std::string id : {"x\nF 7", "../../v0/x"}) {
        SCOPED_TRACE("task id " + boost::json::serialize(boost::json::value(id)));
        const std::string body = boost::json::serialize(boost::json::object{
            {"task_id", id},
            {"status", "COMPLETED"},
            {"result", boost::json::object{{"input_text", "t"}, {"output", boost::json::array{}}}},
        });
        oneai::test::canned_server canned(oneai::test::raw_reply(body));
        const std::string output = path("out.jsonl");
        const std::string journal = output + ".journal";
        fs::remove(output);
        fs::remove(journal);
        auto args = global_args(canned.base_url());
        args.insert(args.end(),
                    {"batch", input, "-o", output, "--skill", "keywords", "--progress", "never"});
        const auto status = run_oneai(args, logged("canned"));
        EXPECT_EQ(status, 3) << describe(status) << "\n" << log_of("canned");
        const auto outcomes = read_outcomes(output);
        ASSERT_EQ(outcomes.size(), 1u) << read_file(output) << log_of("canned");
        EXPECT_EQ(outcomes[0].status, "ERROR") << outcomes[0].line;
        EXPECT_EQ(outcomes[0].error_code, "bad_response") << outcomes[0].line;
        for (const auto& line : read_lines(journal)) {
            EXPECT_NE(line, "F 7") << "a task id forged a journal record";
            EXPECT_EQ(line.find("v0/x"), std::string::npos) << "the bad id entered the journal";
        }
    }
}

// 11. A line's "file" is resolved against the input's folder and must stay under
// it (or under --files-under).
TEST_F(BatchSafetyTest, InputFilesAreResolvedAgainstTheInputFolderAndStayUnderIt) {
    start_emulator();
    fs::create_directories(dir / "data");
    fs::create_directories(dir / "elsewhere");
    fs::create_directories(dir / "outside");
    const std::string text = "Maria Lopez met the board in London.\n";
    write_text(dir / "secret.txt", text);
    write_text(dir / "data" / "ok.txt", text);
    write_text(dir / "outside" / "abs.txt", text);
    const std::string absolute = (dir / "outside" / "abs.txt").string();
    const std::string input = (dir / "data" / "in.jsonl").string();
    write_text(input, R"({"file":"../secret.txt"})"
                      "\n" +
                          boost::json::serialize(boost::json::object{{"file", absolute}}) + "\n" +
                          R"({"file":"ok.txt"})"
                          "\n");
    // Run from a sibling folder: "../secret.txt" names a readable file from there
    // too, and "ok.txt" names nothing, so only the input's folder decides.
    const std::string cwd = (dir / "elsewhere").string();

    const std::string output = path("out.jsonl");
    auto status = run_oneai(batch_args(input, output), logged("default", cwd));
    EXPECT_GE(status, 0) << describe(status);
    EXPECT_NE(status, 2) << log_of("default");
    auto outcomes = read_outcomes(output);
    ASSERT_TRUE(one_line_per_index(outcomes, 3)) << log_of("default");
    std::map<std::uint64_t, std::string> by_index;
    for (const auto& o : outcomes)
        by_index[o.index] = o.status;
    EXPECT_EQ(by_index[0], "INVALID") << "../secret.txt left the input's folder";
    EXPECT_EQ(by_index[1], "INVALID") << "an absolute path outside the input's folder";
    EXPECT_EQ(by_index[2], "COMPLETED") << "ok.txt is in the input's folder:\n"
                                        << log_of("default");

    const std::string wide = path("wide.jsonl");
    status = run_oneai(batch_args(input, wide, {"--files-under", "/"}), logged("wide", cwd));
    EXPECT_GE(status, 0) << describe(status);
    outcomes = read_outcomes(wide);
    ASSERT_TRUE(one_line_per_index(outcomes, 3)) << log_of("wide");
    by_index.clear();
    for (const auto& o : outcomes)
        by_index[o.index] = o.status;
    EXPECT_EQ(by_index[1], "COMPLETED") << "--files-under / admits an absolute path:\n"
                                        << log_of("wide");
    EXPECT_EQ(by_index[2], "COMPLETED");
}

// 12. SIGTERM and SIGHUP stop now (128 + the signal); --resume finishes.
TEST_F(BatchSafetyTest, SigtermStopsNowAndResumeFinishes) {
    expect_signal_stops_now(SIGTERM, 143);
}

TEST_F(BatchSafetyTest, SighupStopsNowAndResumeFinishes) {
    expect_signal_stops_now(SIGHUP, 129);
}

// 13a. The first SIGINT drains: what is in flight finishes, nothing new starts.
TEST_F(BatchSafetyTest, FirstSigintDrainsAndResumeFinishes) {
    cfg.latency = oneai::emulator::latency_model::fixed(300ms);
    start_emulator();
    const int total = 120;
    const std::string input = write_input(total);
    const std::string output = path("out.jsonl");
    const auto args = batch_args(input, output, {"--concurrency", "20"});
    cli_process p(args, logged("run"));
    ASSERT_TRUE(p.wait_for_stderr_line(started_line, 20s)) << p.stderr_text();
    ASSERT_TRUE(wait_until([&] { return count_lines(output) >= 1 || !p.running(); }, 20s));
    p.send(SIGINT);
    const auto status = p.wait();
    EXPECT_EQ(status, 130) << describe(status) << "\n" << p.stderr_text();
    const auto partial = read_outcomes(output);
    EXPECT_LT(partial.size(), static_cast<std::size_t>(total)) << "the batch was not interrupted";
    for (const auto& o : partial)
        EXPECT_EQ(o.status, "COMPLETED") << "a drain lets what is in flight finish: " << o.line;
    // Drained, not stopped: every item the service accepted has its outcome.
    std::set<std::uint64_t> written;
    for (const auto& o : partial)
        written.insert(o.index);
    for (const auto& line : read_lines(output + ".journal"))
        if (line.starts_with("T ")) {
            const auto index = std::stoull(line.substr(2));
            EXPECT_TRUE(written.contains(index)) << "task of index " << index << " left in flight";
        }

    expect_completes(plus(args, {"--resume"}), output, total, "resume");
}

// 13b. A second SIGINT during the drain stops now.
TEST_F(BatchSafetyTest, SecondSigintStopsNowAndResumeFinishes) {
    cfg.latency = oneai::emulator::latency_model::fixed(3000ms);
    start_emulator();
    const int total = 30;
    const std::string input = write_input(total);
    const std::string output = path("out.jsonl");
    const auto args = batch_args(input, output);
    auto p = start_with_all_submitted(args, output + ".journal", total, "run");
    ASSERT_FALSE(HasFailure());
    p->send(SIGINT);
    // Two SIGINTs sent back to back could merge into one: wait until the first is taken.
    ASSERT_TRUE(p->wait_until_delivered(SIGINT, 5s));
    ASSERT_TRUE(p->running()) << "the first SIGINT stopped the batch; it should drain:\n"
                              << p->stderr_text();
    p->send(SIGINT);
    expect_stopped_now(*p, 130, output);

    expect_completes(plus(args, {"--resume"}), output, total, "resume");
    EXPECT_EQ(stat({"submits"}), total);
}

// 14. Outcomes going to stdout, whose reader goes away: the batch ends with an
// exit status and a message, not killed by SIGPIPE.
TEST_F(BatchSafetyTest, ClosedStdoutEndsTheBatchWithAMessage) {
    start_emulator();
    const int total = 200;
    auto args = global_args(server->base_url());
    args.insert(args.end(), {"batch", write_input(total), "--skill", "keywords", "--journal",
                             path("j.journal"), "--progress", "never", "--concurrency", "2"});
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    cli_io io = logged("run");
    io.stdout_fd = fds[1];
    cli_process p(args, io);
    ::close(fds[1]);

    // Read up to the first line, then close: later outcomes have no reader.
    std::string got;
    const bool line = wait_until(
        [&] {
            pollfd pfd{fds[0], POLLIN, 0};
            if (::poll(&pfd, 1, 0) > 0) {
                char buffer[4096];
                const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
                if (n > 0)
                    got.append(buffer, static_cast<std::size_t>(n));
                else
                    return true; // EOF: oneai is gone
            }
            return got.find('\n') != std::string::npos;
        },
        20s);
    ::close(fds[0]);
    ASSERT_TRUE(line && got.find('\n') != std::string::npos) << "no outcome on stdout:\n"
                                                             << p.stderr_text();
    ASSERT_TRUE(p.running()) << "the batch ended before its reader went away";

    const auto status = p.wait_for(20s);
    ASSERT_TRUE(status) << "still running 20 s after its stdout closed:\n" << p.stderr_text();
    EXPECT_GT(*status, 0) << describe(*status) << " (an exit status, not a signal, and not 0)\n"
                          << p.stderr_text();
    EXPECT_NE(p.stderr_text().find("output"), std::string::npos) << p.stderr_text();
}

// Review findings: each scenario below lost work, stalled or misreported before.

// A pipe whose writer pauses must not stall the batch: items already read are
// submitted, polled and written while the writer is silent.
TEST_F(BatchSafetyTest, ASlowPipeWriterNeverStallsTheBatch) {
    cfg.latency = oneai::emulator::latency_model::fixed(20ms);
    start_emulator();
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    const std::string output = path("out.jsonl");
    cli_io io = logged("run");
    io.stdin_fd = fds[0];
    cli_process p(batch_args("-", output), io);
    ::close(fds[0]);
    const std::string first = input_text(3);
    ASSERT_EQ(::write(fds[1], first.data(), first.size()), static_cast<ssize_t>(first.size()));
    // The writer keeps the pipe open: the three outcomes must still arrive.
    EXPECT_TRUE(wait_until([&] { return count_lines(output) == 3; }, 10s)) << p.stderr_text();
    // And a SIGTERM is served at once, while the writer is still silent.
    p.send(SIGTERM);
    // The pipe stays open until it ends: a batch blocked on it never would.
    const auto status = p.wait(20s);
    ::close(fds[1]);
    EXPECT_EQ(status, 143) << describe(status) << ": SIGTERM not served while the pipe was silent";
}

// Millions of lines that take no slot (invalid ones) must not keep the loop
// from serving a signal.
TEST_F(BatchSafetyTest, ASignalIsServedWhileInvalidLinesPourIn) {
    start_emulator();
    {
        std::ofstream in(path("invalid.jsonl"));
        for (int i = 0; i < 1'000'000; ++i)
            in << "42\n";
    }
    cli_process p(batch_args(path("invalid.jsonl"), path("out.jsonl")), logged("run"));
    ASSERT_TRUE(p.wait_for_stderr_line(started_line, 20s)) << p.stderr_text();
    p.send(SIGTERM);
    const auto status = p.wait(20s);
    EXPECT_EQ(status, 143) << describe(status) << "\n" << p.stderr_text();
    EXPECT_LT(count_lines(path("out.jsonl")), 1'000'000u);
}

// `oneai batch in.jsonl >> in.jsonl`: standard output is the input.
TEST_F(BatchSafetyTest, StandardOutputThatIsTheInputIsRefused) {
    start_emulator();
    const std::string input = write_input(3);
    const std::string before = read_file(input);
    auto args = global_args(server->base_url());
    args.insert(args.end(), {"batch", input, "--skill", "keywords", "--progress", "never"});
    const int fd = ::open(input.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    cli_io io = logged("run");
    io.stdout_fd = fd;
    const auto status = run_oneai(args, io);
    ::close(fd);
    EXPECT_EQ(status, 2) << describe(status) << "\n" << log_of("run");
    EXPECT_NE(log_of("run").find("same file"), std::string::npos) << log_of("run");
    EXPECT_EQ(read_file(input), before);
}

// A device as the output gets no journal beside it (/dev/null.journal).
TEST_F(BatchSafetyTest, ADeviceOutputGetsNoJournalInDev) {
    start_emulator();
    fs::remove("/dev/null.journal");
    const auto status = run_oneai(batch_args(write_input(3), "/dev/null"), logged("run"));
    EXPECT_EQ(status, 0) << describe(status) << "\n" << log_of("run");
    EXPECT_FALSE(fs::exists("/dev/null.journal"));
}

// An output deleted after a run, with its journal left: a resume must not
// report the lost outcomes as done.
TEST_F(BatchSafetyTest, AResumeRefusesAnOutputThatLostFinishedLines) {
    start_emulator();
    const std::string input = write_input(4);
    const std::string output = path("out.jsonl");
    ASSERT_EQ(run_oneai(batch_args(input, output), logged("first")), 0);
    fs::remove(output);
    const auto status = run_oneai(batch_args(input, output, {"--resume"}), logged("resume"));
    EXPECT_EQ(status, 2) << describe(status) << "\n" << log_of("resume");
    EXPECT_NE(log_of("resume").find("lacks its line"), std::string::npos) << log_of("resume");
}

// A resume that has nothing left to retry still reports the earlier failures.
TEST_F(BatchSafetyTest, AResumeExitsWithTheWholeBatchsStatus) {
    start_emulator();
    const std::string input = path("in.jsonl");
    write_text(input, input_text(2) + "{broken\n");
    const std::string output = path("out.jsonl");
    EXPECT_EQ(run_oneai(batch_args(input, output), logged("first")), 3);
    const auto status = run_oneai(batch_args(input, output, {"--resume"}), logged("resume"));
    EXPECT_EQ(status, 3) << describe(status) << "\n" << log_of("resume");
}

// --ordered holds outcomes back; a stop must not turn a refused input (no task
// was made) into an UNKNOWN one.
TEST_F(BatchSafetyTest, AnOrderedStopKeepsARefusedInputSafeToRetry) {
    cfg.latency = oneai::emulator::latency_model::fixed(3000ms);
    start_emulator();
    const std::string input = path("in.jsonl");
    write_text(input, R"({"text":"a slow one, held first"})"
                      "\n"
                      R"({"text":""})"
                      "\n");
    const std::string output = path("out.jsonl");
    const auto args = batch_args(input, output, {"--ordered"});
    cli_process p(args, logged("run"));
    ASSERT_TRUE(p.wait_for_stderr_line(started_line, 20s));
    // Item 0 accepted, item 1 refused (its outcome held behind item 0).
    ASSERT_TRUE(wait_until(
        [&] {
            const auto journal = read_file(output + ".journal");
            return journal.find("\nT 0 ") != std::string::npos &&
                   journal.find("\nE 1 ") != std::string::npos;
        },
        10s))
        << read_file(output + ".journal");
    p.send(SIGTERM);
    EXPECT_EQ(p.wait(10s), 143);
    const auto status = run_oneai(plus(args, {"--resume"}), logged("resume"));
    EXPECT_EQ(status, 3) << describe(status) << "\n" << log_of("resume"); // line 2 FAILED
    auto outcomes = read_outcomes(output);
    ASSERT_TRUE(one_line_per_index(outcomes, 2));
    for (const auto& o : outcomes)
        EXPECT_EQ(o.status, o.index == 0 ? "COMPLETED" : "FAILED") << o.line;
}

TEST_F(BatchSafetyTest, AnOutputThatCannotBeWrittenLeavesNoItemFinishedInTheJournal) {
    // 600 lines of more than 64 KiB of outcomes in one turn (invalid lines with
    // long ids, answered at once), to /dev/full: nothing reaches the output,
    // so the journal must vouch for nothing, and the resume must redo it all.
    start_emulator();
    std::string text;
    for (int i = 0; i < 600; ++i)
        text +=
            R"({"id":")" + std::string(300, 'x') + std::to_string(i) + R"(","nottext":1})" + "\n";
    write_text(dir / "bad.jsonl", text);
    const std::string journal = path("full.journal");
    const auto status = run_oneai(
        batch_args(path("bad.jsonl"), "/dev/full", {"--journal", journal}), logged("full"));
    EXPECT_EQ(status, 1) << describe(status) << "\n" << log_of("full");
    std::size_t finished = 0;
    for (const auto& line : read_lines(journal))
        finished += line.starts_with("F ");
    EXPECT_EQ(finished, 0u) << "the journal vouches for lines that were never written";
    EXPECT_NE(log_of("full").find("0 failed"), std::string::npos)
        << "the summary counts outcomes that were never written:\n"
        << log_of("full");
}
