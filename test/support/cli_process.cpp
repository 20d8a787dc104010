#include "cli_process.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>

#ifndef ONEAI_CLI
#error "ONEAI_CLI (the path of the oneai binary) must be defined"
#endif

namespace oneai::test {
namespace {

using clock = std::chrono::steady_clock;
constexpr auto poll_step = std::chrono::milliseconds(3);

exit_status status_of(int raw) {
    if (WIFEXITED(raw))
        return WEXITSTATUS(raw);
    if (WIFSIGNALED(raw))
        return -WTERMSIG(raw);
    return -1000; // neither: not expected from waitpid without WUNTRACED
}

// In the child, between fork and exec: async-signal-safe calls only.
[[noreturn]] void become_oneai(char* const* argv, const cli_io& io, const char* stderr_path) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigemptyset(&dfl.sa_mask);
    for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2})
        ::sigaction(s, &dfl, nullptr);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);

    auto redirect = [](int fd, const char* path, int flags, int target) {
        if (fd < 0)
            fd = ::open(path, flags, 0644);
        if (fd < 0 || ::dup2(fd, target) < 0)
            ::_exit(126);
    };
    redirect(io.stdin_fd, io.stdin_path.c_str(), O_RDONLY, STDIN_FILENO);
    redirect(io.stdout_fd, io.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, STDOUT_FILENO);
    redirect(-1, stderr_path, O_WRONLY | O_CREAT | O_TRUNC, STDERR_FILENO);
    if (!io.cwd.empty() && ::chdir(io.cwd.c_str()) != 0)
        ::_exit(126);
        // Nothing of the test process (sockets, pipe ends) survives into the child.
#ifdef SYS_close_range
    if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
#endif
        for (int fd = 3; fd < 4096; ++fd)
            ::close(fd);
    ::execv(argv[0], argv);
    ::_exit(127);
}

// The mask of a "SigPnd:"/"ShdPnd:" line of a /proc status file; 0 when absent.
unsigned long long pending_mask(const std::string& status_file, std::string_view field) {
    std::ifstream in(status_file);
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with(field))
            return std::stoull(line.substr(field.size()), nullptr, 16);
    return 0;
}

} // namespace

std::string describe(exit_status status) {
    if (status >= 0)
        return "exit " + std::to_string(status);
    return "killed by signal " + std::to_string(-status);
}

cli_process::cli_process(const std::vector<std::string>& args, cli_io io)
    : stderr_path_(io.stderr_path) {
    // Everything the child needs is made before fork: the test process has threads.
    std::vector<std::string> storage;
    storage.reserve(args.size() + 1);
    storage.emplace_back(io.program.empty() ? std::string(ONEAI_CLI) : io.program);
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : storage)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string stderr_path = io.stderr_path.empty() ? "/dev/null" : io.stderr_path;

    pid_ = ::fork();
    if (pid_ < 0)
        throw std::system_error(errno, std::generic_category(), "fork");
    if (pid_ == 0)
        become_oneai(argv.data(), io, stderr_path.c_str());
}

cli_process::~cli_process() {
    if (running())
        kill();
}

bool cli_process::running() {
    if (status_)
        return false;
    int raw = 0;
    pid_t r = ::waitpid(pid_, &raw, WNOHANG);
    if (r == pid_) {
        status_ = status_of(raw);
        return false;
    }
    return r == 0;
}

void cli_process::send(int signal) {
    if (!status_)
        ::kill(pid_, signal);
}

std::optional<exit_status> cli_process::wait_for(std::chrono::milliseconds limit) {
    const auto end = clock::now() + limit;
    while (running()) {
        if (clock::now() >= end)
            return std::nullopt;
        std::this_thread::sleep_for(poll_step);
    }
    return status_;
}

exit_status cli_process::wait(std::chrono::milliseconds limit) {
    if (auto s = wait_for(limit))
        return *s;
    ADD_FAILURE() << "oneai (pid " << pid_ << ") still ran after " << limit.count()
                  << " ms; killed. Its stderr:\n"
                  << stderr_text();
    return kill();
}

exit_status cli_process::kill() {
    if (!status_) {
        ::kill(pid_, SIGKILL);
        int raw = 0;
        while (::waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
        }
        status_ = status_of(raw);
    }
    return *status_;
}

std::string cli_process::stderr_text() const {
    return stderr_path_.empty() ? std::string() : read_file(stderr_path_);
}

bool cli_process::wait_for_stderr_line(std::string_view prefix, std::chrono::milliseconds limit) {
    auto has_line = [&] {
        const std::string text = stderr_text();
        std::size_t start = 0;
        while (start < text.size()) {
            if (std::string_view(text).substr(start).starts_with(prefix))
                return true;
            const auto nl = text.find('\n', start);
            if (nl == std::string::npos)
                break;
            start = nl + 1;
        }
        return false;
    };
    const auto end = clock::now() + limit;
    for (;;) {
        if (has_line())
            return true;
        if (!running())
            return has_line(); // it may have printed the line just before it ended
        if (clock::now() >= end)
            return false;
        std::this_thread::sleep_for(poll_step);
    }
}

bool cli_process::wait_until_delivered(int signal, std::chrono::milliseconds limit) {
    const unsigned long long bit = 1ULL << (signal - 1);
    const std::string proc = "/proc/" + std::to_string(pid_);
    auto pending = [&] {
        if ((pending_mask(proc + "/status", "ShdPnd:") & bit) != 0)
            return true;
        std::error_code ec;
        for (const auto& task : std::filesystem::directory_iterator(proc + "/task", ec))
            if ((pending_mask(task.path().string() + "/status", "SigPnd:") & bit) != 0)
                return true;
        return false;
    };
    return wait_until([&] { return !running() || !pending(); }, limit);
}

exit_status run_oneai(const std::vector<std::string>& args, cli_io io,
                      std::chrono::milliseconds limit) {
    cli_process p(args, std::move(io));
    return p.wait(limit);
}

shell_run run_shell(const std::string& command) {
    shell_run r;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe)
        return r;
    std::array<char, 4096> buf{};
    while (auto n = std::fread(buf.data(), 1, buf.size(), pipe))
        r.output.append(buf.data(), n);
    int raw = ::pclose(pipe);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return r;
}

shell_run run_cli(const std::string& args) {
    return run_shell(std::string(ONEAI_CLI) + " " + args);
}

bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds limit) {
    const auto end = clock::now() + limit;
    for (;;) {
        if (ready())
            return true;
        if (clock::now() >= end)
            return false;
        std::this_thread::sleep_for(poll_step);
    }
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::string> read_lines(const std::string& path) {
    const std::string text = read_file(path);
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (auto nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

std::size_t count_lines(const std::string& path) {
    const std::string text = read_file(path);
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::vector<outcome> parse_outcomes(std::string_view text) {
    std::vector<outcome> out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto nl = text.find('\n', start);
        if (nl == std::string_view::npos)
            nl = text.size();
        const std::string line(text.substr(start, nl - start));
        start = nl + 1;
        boost::system::error_code ec;
        auto v = boost::json::parse(line, ec);
        const auto* o = ec ? nullptr : v.if_object();
        const auto* index = o ? o->if_contains("index") : nullptr;
        const auto* status = o ? o->if_contains("status") : nullptr;
        if (!index || !index->is_number() || !status || !status->is_string()) {
            ADD_FAILURE() << "not an outcome line: " << line;
            continue;
        }
        outcome item;
        item.index = index->to_number<std::uint64_t>();
        item.status = status->get_string();
        if (const auto* err = o->if_contains("error"); err && err->is_object())
            if (const auto* code = err->get_object().if_contains("code"); code && code->is_string())
                item.error_code = code->get_string();
        if (const auto* id = o->if_contains("task_id"); id && id->is_string())
            item.task_id = id->get_string();
        item.line = line;
        out.push_back(std::move(item));
    }
    return out;
}

std::vector<outcome> read_outcomes(const std::string& path) {
    return parse_outcomes(read_file(path));
}

::testing::AssertionResult one_line_per_index(const std::vector<outcome>& outcomes,
                                              std::size_t total,
                                              std::optional<std::string> status) {
    std::map<std::uint64_t, int> seen;
    std::ostringstream problems;
    int shown = 0;
    auto problem = [&](const std::string& what) {
        if (shown++ < 10)
            problems << "\n  " << what;
    };
    for (const auto& o : outcomes) {
        if (o.index >= total)
            problem("index " + std::to_string(o.index) + " is beyond the input");
        if (++seen[o.index] == 2)
            problem("index " + std::to_string(o.index) + " has more than one line");
        if (status && o.status != *status)
            problem("index " + std::to_string(o.index) + " is " + o.status + ", not " + *status +
                    ": " + o.line);
    }
    std::size_t missing = 0;
    for (std::uint64_t i = 0; i < total; ++i)
        missing += !seen.contains(i);
    if (missing)
        problem(std::to_string(missing) + " indexes have no line");
    if (shown == 0 && outcomes.size() == total)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << outcomes.size() << " outcome lines for " << total << " inputs" << problems.str();
}

bool contains_number_phrase(std::string_view text, std::string_view word) {
    for (auto at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
        const auto after = at + word.size();
        if (after == text.size() || text[after] < '0' || text[after] > '9')
            return true;
    }
    return false;
}

} // namespace oneai::test
