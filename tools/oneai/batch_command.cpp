#include "batch_command.hpp"

#include "batch_lines.hpp"
#include "common/write_all.hpp"
#include "exit_codes.hpp"
#include "progress_display.hpp"

#include <oneai/batch_engine.hpp>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace oneai::cli {
namespace {

namespace asio = boost::asio;

struct batch_arguments {
    std::string input_path;
    std::string output_path; // "" = stdout
    std::string journal_path;
    batch_options options;
    bool resume = false;
    std::uint64_t shard_index = 0;
    std::uint64_t shard_count = 1;
    std::string progress = "auto";
    std::size_t connections = 0;
    bool show_help = false;
};

[[noreturn]] void usage_error(const std::string& what) {
    throw std::invalid_argument(what);
}

std::string batch_usage() {
    return R"(Usage: oneai [global flags] batch INPUT.jsonl [flags]

Runs the pipeline over every line of INPUT.jsonl. A line is a JSON string (the text)
or an object with one of "text", "url", "file", "conversation", an optional "id", and
any other fields, which are echoed into the output. Output lines (JSONL, stdout by
default): index, id, task_id, status, result or error, timings, echoed fields.

  -o, --output FILE        write outcomes here (appended to on --resume)
  --pipeline FILE.json     the steps: {"steps":[{"skill":..., "params":{...}}]} or the array
  --skill NAME[=JSON]      a step (repeatable), instead of --pipeline
  --concurrency N          most tasks in flight (default 64); backs off on 429
  --rate R                 requests per second, submits and polls (default unlimited)
  --connections C          connections to the service (default 32)
  --journal FILE           journal for --resume (default OUTPUT.journal when -o is given)
  --resume                 finish an interrupted batch: skip finished items, wait on
                           submitted ones by task id, submit the rest
  --resubmit-unknown       on --resume, resubmit items whose submit answer was lost
                           (the service may then run them twice)
  --ordered                write outcomes in input order
  --shard K/N              process only lines with (line number - 1) % N == K, 0 <= K < N
  --progress auto|always|never   a live bar on a terminal, status lines otherwise
  --fail-fast              stop submitting at the first failed item

Ctrl-C once: stop submitting and drain what is in flight; twice: stop now. Either way
--resume finishes the job. Exit status: 0 every item completed, 3 some item failed,
2 usage, 130 interrupted.
)";
}

pipeline read_pipeline_file(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        usage_error("cannot read the pipeline file '" + path + "'");
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    auto v = boost::json::parse(text.str(), ec);
    if (ec)
        usage_error("'" + path + "' is not JSON: " + ec.message());
    const boost::json::value* steps = &v;
    if (auto* o = v.if_object())
        steps = o->if_contains("steps");
    if (!steps || !steps->is_array() || steps->get_array().empty())
        usage_error("'" + path + "' needs a non-empty \"steps\" array");
    pipeline p;
    for (const auto& s : steps->get_array()) {
        const auto* so = s.if_object();
        const auto* skill = so ? so->if_contains("skill") : nullptr;
        if (!skill || !skill->is_string())
            usage_error("'" + path + "': every step needs a \"skill\" string");
        std::string params = "{}";
        if (auto* pr = so->if_contains("params"); pr && pr->is_object())
            params = boost::json::serialize(*pr);
        p.add_step(std::string(skill->get_string()), params);
    }
    if (auto* o = v.if_object())
        if (auto* m = o->if_contains("multilingual"); m && m->is_bool())
            p.multilingual(m->get_bool());
    return p;
}

batch_arguments parse_batch_arguments(std::span<const std::string_view> args) {
    batch_arguments out;
    bool have_pipeline_file = false, have_skill = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view a = args[i];
        auto value = [&]() -> std::string_view {
            if (i + 1 >= args.size())
                usage_error(std::string(a) + " needs a value");
            return args[++i];
        };
        auto number = [&](double low) {
            std::string_view v = value();
            double n = 0;
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc{} || end != v.data() + v.size() || n < low)
                usage_error(std::string(a) + ": '" + std::string(v) +
                            "' is not a number >= " + std::to_string(static_cast<int>(low)));
            return n;
        };
        if (a == "--help" || a == "-h")
            out.show_help = true;
        else if (a == "-o" || a == "--output")
            out.output_path = value();
        else if (a == "--pipeline") {
            out.options.pipeline = read_pipeline_file(std::string(value()));
            have_pipeline_file = true;
        } else if (a == "--skill") {
            add_skill_step(out.options.pipeline, value());
            have_skill = true;
        } else if (a == "--concurrency")
            out.options.concurrency = static_cast<std::size_t>(number(1));
        else if (a == "--rate")
            out.options.rate = number(0);
        else if (a == "--connections")
            out.connections = static_cast<std::size_t>(number(1));
        else if (a == "--journal")
            out.journal_path = value();
        else if (a == "--resume")
            out.resume = true;
        else if (a == "--resubmit-unknown")
            out.options.resubmit_unknown = true;
        else if (a == "--ordered")
            out.options.ordered = true;
        else if (a == "--fail-fast")
            out.options.fail_fast = true;
        else if (a == "--progress") {
            out.progress = value();
            if (out.progress != "auto" && out.progress != "always" && out.progress != "never")
                usage_error("--progress takes auto, always or never");
        } else if (a == "--shard") {
            std::string_view v = value();
            auto slash = v.find('/');
            std::uint64_t k = 0, n = 0;
            bool ok =
                slash != std::string_view::npos &&
                std::from_chars(v.data(), v.data() + slash, k).ec == std::errc{} &&
                std::from_chars(v.data() + slash + 1, v.data() + v.size(), n).ec == std::errc{};
            if (!ok || n == 0 || k >= n)
                usage_error("--shard takes K/N with 0 <= K < N, e.g. --shard 0/4");
            out.shard_index = k;
            out.shard_count = n;
        } else if (!a.starts_with("-") && out.input_path.empty())
            out.input_path = a;
        else
            usage_error("unknown batch flag '" + std::string(a) + "'");
    }
    if (out.show_help)
        return out;
    if (out.input_path.empty())
        usage_error("batch needs an INPUT.jsonl");
    if (have_pipeline_file && have_skill) // they would silently mix: refuse
        usage_error("give --pipeline or --skill, not both");
    if (out.options.pipeline.steps().empty())
        usage_error("batch needs --pipeline FILE.json or at least one --skill");
    if (out.journal_path.empty() && !out.output_path.empty())
        out.journal_path = out.output_path + ".journal";
    if (out.resume && out.journal_path.empty())
        usage_error("--resume needs --journal (or -o, whose journal is OUTPUT.journal)");
    out.options.journal_path = out.journal_path;
    return out;
}

// Streams the input: one item per line of this shard, never the whole file in memory.
class jsonl_source {
  public:
    jsonl_source(const std::string& path, std::uint64_t shard, std::uint64_t shards)
        : in_(path), shard_(shard), shards_(shards) {
        if (!in_)
            throw std::invalid_argument("cannot read the input '" + path +
                                        "': " + std::strerror(errno));
    }
    std::optional<batch_item> next() {
        std::string line;
        while (std::getline(in_, line)) {
            const std::uint64_t index = line_++;
            if (index % shards_ != shard_)
                continue;
            if (line.find_first_not_of(" \t\r") == std::string::npos)
                continue; // blank lines are not items
            return parse_input_line(line, index);
        }
        return std::nullopt;
    }

  private:
    std::ifstream in_;
    std::uint64_t shard_, shards_;
    std::uint64_t line_ = 0;
};

std::uint64_t count_items(const std::string& path, std::uint64_t shard, std::uint64_t shards) {
    std::ifstream in(path);
    std::string line;
    std::uint64_t index = 0, items = 0;
    while (std::getline(in, line)) {
        if (index++ % shards == shard && line.find_first_not_of(" \t\r") != std::string::npos)
            ++items;
    }
    return items;
}

// Outcome lines go out with one write(2) each: a killed run leaves whole lines.
class output_file {
  public:
    output_file(const std::string& path, bool append) : path_(path) {
        if (path.empty()) {
            fd_ = STDOUT_FILENO;
            return;
        }
        fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC),
                     0644);
        if (fd_ < 0)
            throw std::invalid_argument("cannot write the output '" + path +
                                        "': " + std::strerror(errno));
    }
    ~output_file() {
        if (fd_ > STDERR_FILENO)
            ::close(fd_);
    }
    void write(const std::string& line) { common::write_all(fd_, line, "output '" + path_ + "'"); }

  private:
    int fd_ = -1;
    std::string path_;
};

} // namespace

int run_batch_command(const arguments& global, asio::io_context& io) {
    batch_arguments args;
    try {
        args = parse_batch_arguments(global.rest);
    } catch (const std::invalid_argument& e) {
        std::cerr << "oneai batch: " << e.what() << "\n(see oneai batch --help)\n";
        return exit_usage;
    }
    if (args.show_help) {
        std::cout << batch_usage();
        return exit_ok;
    }
    std::unordered_set<std::uint64_t> finished;
    std::unique_ptr<jsonl_source> source;
    std::unique_ptr<output_file> out;
    try {
        source =
            std::make_unique<jsonl_source>(args.input_path, args.shard_index, args.shard_count);
        if (args.resume && !args.output_path.empty())
            finished = recover_output(args.output_path);
        if (!args.resume && !args.journal_path.empty())
            std::remove(args.journal_path.c_str()); // a fresh batch starts a fresh journal
        out = std::make_unique<output_file>(args.output_path, args.resume);
    } catch (const std::exception& e) {
        std::cerr << "oneai batch: " << e.what() << "\n";
        return exit_usage;
    }
    args.options.expected_total = count_items(args.input_path, args.shard_index, args.shard_count);
    args.options.polling = global.client_options.polling;

    options copts = global.client_options;
    if (args.connections)
        copts.max_connections_per_host = args.connections;
    args.options.max_concurrent_polls = copts.max_connections_per_host * 2;
    copts.retries.budget =
        std::make_shared<retry_budget>(200, 0.2); // shared by every request of the batch
    copts.task_deadline =
        std::chrono::milliseconds{0}; // each task is bounded by its poll policy instead
    client c(io.get_executor(), copts);

    common::histogram latency;
    std::uint64_t polls = 0;
    std::string sink_error;
    std::unique_ptr<batch_engine> engine;
    try {
        engine = std::make_unique<batch_engine>(
            c, args.options, [&] { return source->next(); },
            [&](batch_outcome&& o) {
                if (o.what == batch_outcome::kind::invalid)
                    std::cerr << "oneai batch: " << o.diag.message << "\n";
                latency.record(static_cast<std::uint64_t>(o.total_ms * 1000));
                polls += o.polls;
                try {
                    out->write(format_outcome(o));
                } catch (const std::exception& e) {
                    if (sink_error.empty()) {
                        sink_error = e.what();
                        engine->stop(
                            false); // nowhere to put outcomes: stop, keep the journal for a resume
                    }
                    throw;
                }
            },
            std::move(finished));
    } catch (const std::exception& e) {
        std::cerr << "oneai batch: " << e.what() << "\n";
        return exit_usage;
    }

    const bool tty = ::isatty(STDERR_FILENO) != 0;
    const progress_mode mode = args.progress == "never"           ? progress_mode::none
                               : args.progress == "always" || tty ? progress_mode::bar
                                                                  : progress_mode::lines;
    const auto total = args.options.expected_total;
    asio::steady_timer ticker(io);
    int interrupts = 0;
    bool done = false;
    std::function<void()> tick = [&] {
        ticker.expires_after(mode == progress_mode::bar ? std::chrono::milliseconds(250)
                                                        : std::chrono::seconds(5));
        ticker.async_wait([&](error_code ec) {
            if (ec || done)
                return;
            if (mode == progress_mode::bar)
                std::cerr << "\r" << progress_bar(engine->progress(), total) << "\033[K"
                          << std::flush;
            else if (mode == progress_mode::lines)
                std::cerr << progress_line(engine->progress(), total) << "\n";
            tick();
        });
    };
    asio::signal_set signals(io, SIGINT, SIGTERM);
    std::function<void()> on_signal = [&] {
        signals.async_wait([&](error_code ec, int) {
            if (ec || done)
                return;
            ++interrupts;
            if (interrupts == 1) {
                std::cerr << "\noneai batch: stopping; draining " << engine->progress().in_flight
                          << " tasks in flight (Ctrl-C again to stop now)\n";
                engine->stop(true);
            } else {
                std::cerr << "\noneai batch: stopping now; --resume will finish the job\n";
                engine->stop(false);
            }
            on_signal();
        });
    };
    on_signal();
    if (mode != progress_mode::none)
        tick();
    try {
        engine->start([&] {
            done = true;
            ticker.cancel();
            signals.cancel();
        });
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "\noneai batch: " << (sink_error.empty() ? e.what() : sink_error) << "\n";
        return exit_usage;
    }
    if (mode == progress_mode::bar)
        std::cerr << "\r" << progress_bar(engine->progress(), total) << "\033[K\n";
    const batch_progress p = engine->progress();
    print_summary(std::cerr, p, {latency, polls});
    if (interrupts > 0) {
        std::cerr << "oneai batch: interrupted; finish with the same command and --resume\n";
        return exit_interrupted;
    }
    return p.failed > 0 ? exit_task_failed : exit_ok;
}

} // namespace oneai::cli
