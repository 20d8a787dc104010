#pragma once
// The `oneai` command line as a child process, for the integration tests:
// spawn it with arguments, feed its standard input from a file or a pipe,
// capture its standard error in a file, wait for a line there, signal it,
// and read its JSONL outcomes back.
//
// Every wait is for an event (a line on stderr, a file's content, the exit)
// with an upper bound that only keeps a hung child from hanging the suite.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace oneai::test {

/// Where the child's standard streams go, and where it runs.
struct cli_io {
    /// Standard input: `stdin_fd` when >= 0 (duplicated; the caller keeps and
    /// closes its own copy, which should be O_CLOEXEC), else this file.
    std::string stdin_path = "/dev/null";
    int stdin_fd = -1;
    /// Standard output: `stdout_fd` when >= 0, else this file (truncated).
    std::string stdout_path = "/dev/null";
    int stdout_fd = -1;
    /// Standard error goes to this file (truncated); "" = /dev/null.
    std::string stderr_path;
    /// Working directory of the child; "" = the test's.
    std::string cwd;
    /// The program to run; "" = the oneai binary (ONEAI_CLI).
    std::string program;
};

/// An exit status as one number: the exit code, or -N when killed by signal N.
using exit_status = int;
/// "exit 3" or "killed by signal 9", for messages.
std::string describe(exit_status status);

/// A running `oneai` (the ONEAI_CLI binary). Signal dispositions and the
/// signal mask are reset to their defaults in the child, so the test process's
/// own settings (an ignored SIGPIPE, say) never leak into the behaviour tested.
class cli_process {
  public:
    explicit cli_process(const std::vector<std::string>& args, cli_io io = {});
    /// A child still running is killed with SIGKILL and reaped.
    ~cli_process();
    cli_process(const cli_process&) = delete;
    cli_process& operator=(const cli_process&) = delete;

    pid_t pid() const noexcept { return pid_; }
    /// False once the child has exited (and was reaped).
    bool running();
    void send(int signal);
    /// Waits up to `limit` for the exit: nullopt when it is still running then.
    std::optional<exit_status> wait_for(std::chrono::milliseconds limit);
    /// Waits for the exit; past `limit` the child is killed with SIGKILL, a
    /// test failure is added, and the status is -SIGKILL.
    exit_status wait(std::chrono::milliseconds limit = std::chrono::seconds(20));
    /// SIGKILL and reap.
    exit_status kill();

    /// What the child wrote on stderr so far ("" without a stderr file).
    std::string stderr_text() const;
    /// Waits until a line of stderr starts with `prefix`. False when `limit`
    /// passes or the child exits without printing it.
    bool wait_for_stderr_line(std::string_view prefix, std::chrono::milliseconds limit);
    /// Waits until `signal`, sent earlier, is no longer pending in the child
    /// (a thread of it took it), read from /proc. Lets a test send a second
    /// signal of the same number without the two merging into one.
    bool wait_until_delivered(int signal, std::chrono::milliseconds limit);

  private:
    pid_t pid_ = -1;
    std::optional<exit_status> status_;
    std::string stderr_path_;
};

/// Runs `oneai` to its end (see cli_process::wait) and returns the status.
exit_status run_oneai(const std::vector<std::string>& args, cli_io io = {},
                      std::chrono::milliseconds limit = std::chrono::seconds(20));

/// A shell command run to its end, with its stdout and stderr together.
struct shell_run {
    int status = -1; ///< the exit code; -1 when it did not exit
    std::string output;
};
/// Runs `command` with /bin/sh (popen), e.g. `ONEAI_BASE_URL=... oneai ...`.
shell_run run_shell(const std::string& command);
/// Runs the ONEAI_CLI binary with `args` (shell words) through run_shell.
shell_run run_cli(const std::string& args);

/// Checks `ready` every few milliseconds until it is true (true) or `limit`
/// has passed (false).
bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds limit);

/// The bytes of a file ("" when it cannot be read).
std::string read_file(const std::string& path);
/// The newline-terminated lines of a file, without their newlines (a torn
/// last line without one is left out).
std::vector<std::string> read_lines(const std::string& path);
/// How many newline-terminated lines a file has.
std::size_t count_lines(const std::string& path);

/// One line of a batch output.
struct outcome {
    std::uint64_t index = 0;
    std::string status;     ///< COMPLETED, FAILED, INVALID, UNKNOWN, ERROR
    std::string error_code; ///< "error":{"code":...}, "" when there is none
    std::string task_id;    ///< "" when null
    std::string line;       ///< the line as written
};
/// Every line of a JSONL output; a line that is no outcome adds a test failure.
std::vector<outcome> parse_outcomes(std::string_view text);
std::vector<outcome> read_outcomes(const std::string& path);

/// Success when `outcomes` has exactly one line for each index 0..total-1
/// (no index twice, none missing, none beyond) and, when `status` is given,
/// every line has that status.
::testing::AssertionResult one_line_per_index(const std::vector<outcome>& outcomes,
                                              std::size_t total,
                                              std::optional<std::string> status = {});

/// True when `text` contains `word` followed by a non-digit (or its end):
/// "line 1" is in "line 1: ..." but not in "line 12: ...".
bool contains_number_phrase(std::string_view text, std::string_view word);

} // namespace oneai::test
