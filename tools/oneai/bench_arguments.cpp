#include "bench_arguments.hpp"

#include "arguments.hpp"
#include "batch_arguments.hpp"
#include "batch_input.hpp"
#include "batch_lines.hpp"

#include "common/command_line_flags.hpp"
#include "common/duration_text.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unistd.h>

namespace oneai::cli {
namespace {

[[noreturn]] void usage_error(const std::string& what) {
    throw std::invalid_argument(what);
}

// A duration flag: 250ms, 10s, 5m; a bare number is seconds.
std::chrono::microseconds duration_of(const std::string& flag, std::string text) {
    double number = 0;
    if (auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
        !text.empty() && ec == std::errc{} && end == text.data() + text.size())
        text += "s";
    try {
        return common::parse_duration(text);
    } catch (const std::invalid_argument& e) {
        usage_error(flag + ": " + e.what());
    }
}

std::size_t count_of(const std::string& flag, std::string_view text) {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n == 0)
        usage_error(flag + ": '" + std::string(text) + "' is not a positive whole number");
    return n;
}

// --words N or --words A..B.
void read_words(const std::string& spec, load::load_options& o) {
    const auto dots = spec.find("..");
    if (dots == std::string::npos) {
        o.words_min = o.words_max = count_of("--words", spec);
        return;
    }
    o.words_min = count_of("--words", std::string_view(spec).substr(0, dots));
    o.words_max = count_of("--words", std::string_view(spec).substr(dots + 2));
    if (o.words_min > o.words_max)
        usage_error("--words: the range " + spec + " runs backwards");
}

// Every line of a JSONL file, as `oneai batch` reads them (a JSON string, or
// an object with text, url, file or conversation), cycled through by the run.
// `-` is standard input, read whole before the run starts; file paths in its
// lines are then relative to the working directory.
std::vector<input> read_inputs(const std::string& path) {
    const bool from_stdin = path == "-";
    if (from_stdin && ::isatty(STDIN_FILENO))
        // Read whole before the run, so typing them in would look like a hang.
        usage_error("--input -: standard input is a terminal; pipe or redirect the inputs "
                    "(oneai bench --input - < docs.jsonl)");
    file_rules rules;
    rules.base = from_stdin ? std::filesystem::current_path()
                            : std::filesystem::absolute(path).parent_path();
    // Read by batch's own reader: the same lines, byte-order mark, blank lines,
    // directories and read errors.
    std::optional<batch_input> lines;
    try {
        lines.emplace(path, 0, 1, rules);
    } catch (const std::invalid_argument& e) {
        usage_error(std::string("--input: ") + e.what());
    }
    std::vector<input> out;
    for (;;) {
        std::optional<batch_item> item;
        try {
            item = lines->next();
        } catch (const std::runtime_error& e) {
            usage_error(std::string("--input: ") + e.what());
        }
        if (!item)
            break;
        if (!item->invalid.empty())
            usage_error("--input '" + path + "': " + item->invalid);
        out.push_back(std::move(item->input));
    }
    if (out.empty())
        usage_error("--input '" + path + "' holds no inputs");
    return out;
}

// What the flags hold while CLI11 parses them; checked and converted after.
struct bench_flags {
    bool help = false;
    std::optional<double> rate;
    std::optional<std::size_t> concurrency;
    std::string arrivals = "constant", mode = "async";
    std::optional<std::string> duration, warmup, text, input_path, words, pipeline_path;
    std::optional<std::uint64_t> requests;
    std::vector<std::string> skills, fail_if;
    std::optional<std::size_t> max_in_flight;
    std::optional<std::uint64_t> seed;
    std::string label;
};

std::unique_ptr<CLI::App> make_app(bench_flags& f, bench_arguments& out) {
    auto app = std::make_unique<CLI::App>("oneai bench", "oneai bench");
    app->set_help_flag(); // --help is ours: the usage above
    app->add_flag("-h,--help", f.help);
    auto* rate_opt = app->add_option("--rate", f.rate)->check(CLI::PositiveNumber);
    auto* concurrency_opt =
        app->add_option("--concurrency", f.concurrency)->check(CLI::PositiveNumber);
    rate_opt->excludes(concurrency_opt);
    app->add_option("--arrivals", f.arrivals)->check(CLI::IsMember({"constant", "poisson"}));
    app->add_option("--duration", f.duration);
    app->add_option("--requests", f.requests)->check(CLI::PositiveNumber);
    app->add_option("--warmup", f.warmup);
    auto* text_opt = app->add_option("--text", f.text);
    auto* input_opt = app->add_option("--input", f.input_path);
    auto* words_opt = app->add_option("--words", f.words);
    text_opt->excludes(input_opt)->excludes(words_opt);
    input_opt->excludes(words_opt);
    auto* skill_opt = app->add_option("--skill", f.skills)->take_all();
    skill_opt->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app->add_option("--pipeline", f.pipeline_path)->excludes(skill_opt);
    app->add_option("--mode", f.mode)->check(CLI::IsMember({"async", "sync"}));
    app->add_option("--max-in-flight", f.max_in_flight)->check(CLI::PositiveNumber);
    app->add_option("--connections", out.connections)->check(CLI::PositiveNumber);
    app->add_option("--seed", f.seed);
    app->add_option("--report", out.report_path);
    app->add_option("--html", out.html_path);
    app->add_option("--fail-if", f.fail_if)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app->add_option("--progress", out.progress)->check(CLI::IsMember({"auto", "always", "never"}));
    app->add_option("--label", f.label);
    app->add_flag("--emulator", out.use_emulator);
    app->add_option("--emulator-latency", out.emulator_latency);
    app->add_option("--emulator-workers", out.emulator_workers)->check(CLI::PositiveNumber);
    return app;
}

} // namespace

std::string bench_usage() {
    return R"(Usage: oneai [global flags] bench [flags]
       oneai bench compare A.json B.json      two reports side by side, with ratios
       oneai bench merge R1.json R2.json ... -o ALL.json   one report of several generators

Drives the Pipeline API (or the in-process emulator) with tasks and measures each from
submit to the poll that saw it finished. In open loop every latency counts from the
task's intended start, so a stalled service shows as latency, never as a slower run.

Load (one of):
  --rate R                 open loop: R tasks per second
  --arrivals constant|poisson   how arrivals are spaced at that rate (default constant)
  --concurrency C          closed loop: C tasks in flight, each starting as one ends
Length (one or both; whichever ends first):
  --duration D             the measured phase (10s, 5m; a bare number is seconds)
  --requests N             the measured phase's number of tasks
  --warmup D               runs first at the same load, kept out of the statistics
Inputs (one of; default --words 100):
  --text T                 the same text for every task
  --input FILE.jsonl       the lines of a file (- for standard input), cycled
                           (the format of oneai batch)
  --words N | A..B         generated text of N words, or sizes drawn log-uniformly in A..B
Pipeline:
  --skill NAME[=JSON]      a step (repeatable); default: summarize
  --pipeline FILE.json     the steps, instead of --skill
  --mode async|sync        submit then poll (default; polls follow the global --poll),
                           or the sync endpoint
  --max-in-flight N        open loop: at most N tasks in flight (default 100000); beyond it
                           arrivals wait, and the report says how far behind they fell
  --connections C          connections to the service (default 32)
  --seed N                 seeds Poisson arrivals and generated text (default 1)
Outputs:
  --report FILE.json       the report (histograms, counters, time series)
  --html FILE.html         a self-contained page with its plots
  --fail-if EXPR           exit 3 when EXPR does not hold (repeatable): p99<2s,
                           run.p50<500ms, errors<0.1%, rate>=99%, lag.p99<1ms ...
  --progress auto|always|never   the live view on standard error (auto: on a terminal)
  --label TEXT             kept in the report (default: the command line)
Emulator:
  --emulator               start an in-process emulator and use it (as the global flag)
  --emulator-latency SPEC  its run times: fixed:300ms (default), lognormal:2s,0.6, ...
  --emulator-workers N     its workers (default 256); fewer than the load makes queues

Ctrl-C (or SIGTERM) stops starting tasks and waits for those in flight; a second
abandons them. The report and summary are written either way. Exit status: 0 done,
3 a --fail-if threshold missed, 2 usage, 1 a report could not be written, 130 interrupted.
)";
}

std::vector<std::string> bench_flag_names() {
    bench_flags f;
    bench_arguments out;
    return common::flag_names(*make_app(f, out));
}

bench_arguments parse_bench_arguments(std::span<const std::string_view> args) {
    bench_arguments out;
    load::load_options& o = out.load;
    bench_flags f;
    auto app = make_app(f, out);
    std::vector<std::string> storage(args.begin(), args.end());
    std::vector<const char*> argv{"oneai bench"};
    for (const auto& a : storage)
        argv.push_back(a.c_str());
    try {
        app->parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
        usage_error(e.what());
    }
    if (f.help) {
        out.show_help = true;
        return out;
    }

    if (f.rate)
        o.rate = *f.rate;
    if (f.concurrency)
        o.concurrency = *f.concurrency;
    if (!f.rate && !f.concurrency)
        usage_error("needs --rate R (open loop) or --concurrency C (closed loop)");
    o.arrivals =
        f.arrivals == "poisson" ? load::arrival_process::poisson : load::arrival_process::constant;
    if (f.arrivals == "poisson" && !f.rate)
        usage_error("--arrivals goes with --rate");
    if (f.duration)
        o.duration = duration_of("--duration", *f.duration);
    if (f.requests)
        o.requests = *f.requests;
    if (!f.duration && !f.requests)
        usage_error("needs --duration D or --requests N");
    if (f.duration && o.duration.count() <= 0)
        usage_error("--duration must be positive");
    if (f.warmup)
        o.warmup = duration_of("--warmup", *f.warmup);
    if (f.text)
        o.text = *f.text;
    else if (f.input_path)
        o.inputs = read_inputs(*f.input_path);
    else if (f.words)
        read_words(*f.words, o);
    else
        o.words_min = o.words_max = 100; // the default input: generated text of 100 words
    if (f.pipeline_path)
        o.pipeline = read_pipeline_file(*f.pipeline_path);
    for (const auto& s : f.skills)
        add_skill_step(o.pipeline, s);
    if (o.pipeline.steps().empty())
        o.pipeline.summarize();
    o.mode = f.mode == "sync" ? load::run_mode::sync : load::run_mode::async;
    if (f.max_in_flight)
        o.max_in_flight = *f.max_in_flight;
    if (f.seed)
        o.seed = *f.seed;
    for (const auto& expression : f.fail_if) {
        std::string why;
        auto t = load::threshold::parse(expression, why);
        if (!t)
            usage_error("--fail-if: " + why);
        out.thresholds.push_back(std::move(*t));
    }
    o.label = f.label;
    try {
        o.check();
    } catch (const std::invalid_argument& e) {
        usage_error(e.what());
    }
    return out;
}

} // namespace oneai::cli
