#include "batch_arguments.hpp"

#include "arguments.hpp"

#include "common/command_line_flags.hpp"
#include "common/duration_text.hpp"

#include <CLI/CLI.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace oneai::cli {
namespace {

[[noreturn]] void usage_error(const std::string& what) {
    throw std::invalid_argument(what);
}

// What the flags hold while CLI11 parses them; checked and converted after.
struct batch_flags {
    std::string input, output, pipeline, journal, shard, task_timeout;
    std::string concurrency, rate, connections; // numbers, read with their own messages
    std::vector<std::string> skills, files_under;
    std::string progress = "auto";
    bool resume = false, overwrite = false, fsync = false, resubmit_unknown = false,
         ordered = false, fail_fast = false;
};

std::unique_ptr<CLI::App> make_app(batch_flags& f) {
    auto app = std::make_unique<CLI::App>(
        "Runs the pipeline over every line of INPUT.jsonl. A line is a JSON string (the "
        "text)\nor an object with one of \"text\", \"url\", \"file\", \"conversation\", an "
        "optional \"id\", and\nany other fields, which are echoed into the output. Output "
        "lines (JSONL, stdout by\ndefault): index, id, task_id, status, result or error, "
        "timings, echoed fields.",
        "oneai batch");
    common::prepare_flags(*app, "Usage: oneai [global flags] batch INPUT.jsonl [flags]");
    app->footer(
        "A 429 means \"later\": refused submits wait and go again for as long as the batch "
        "runs.\nCtrl-C once: stop submitting and drain what is in flight; twice: stop now. "
        "SIGTERM and\nSIGHUP stop now. The global --timeout bounds the whole run (then it stops "
        "now, exit 5).\nEither way --resume finishes the job. Exit status: 0 every item "
        "completed, 3 some item\nfailed or ended in an error, 2 usage or files refused, 1 the "
        "output could not be\nwritten, 5 --timeout, 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP.");
    app->add_option("INPUT.jsonl", f.input,
                    "the items; - is standard input. Pipes and FIFOs are read once, streamed")
        ->type_name("");
    const char* files = "Files";
    app->add_option("-o,--output", f.output,
                    "write outcomes here (appended to on --resume); refused\nwhen it is the "
                    "input or the journal, or not empty\nwithout --resume or --overwrite")
        ->type_name("FILE")
        ->group(files);
    app->add_option("--journal", f.journal,
                    "journal for --resume (default OUTPUT.journal when -o is given);\nlocked "
                    "while the batch runs: a second batch on it is refused")
        ->type_name("FILE")
        ->group(files);
    app->add_flag("--resume", f.resume,
                  "finish an interrupted batch: skip finished items, wait on\nsubmitted ones by "
                  "task id, retry ERROR items, submit the rest")
        ->group(files);
    app->add_flag("--overwrite", f.overwrite, "start over: empty the output and the journal first")
        ->group(files);
    app->add_flag("--resubmit-unknown", f.resubmit_unknown,
                  "on --resume, resubmit items whose submit answer was lost\n(the service may "
                  "then run them twice)")
        ->group(files);
    app->add_flag("--fsync", f.fsync,
                  "survive power loss, not just a killed process: sync the\njournal before "
                  "submits and the output before finish records")
        ->group(files);
    app->add_option("--files-under", f.files_under,
                    "let \"file\" paths point under DIR (repeatable); by default\nthey must stay "
                    "under the input file's folder")
        ->type_name("DIR")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(files);
    const char* steps = "Pipeline";
    app->add_option("--pipeline", f.pipeline,
                    "the steps: {\"steps\":[{\"skill\":..., \"params\":{...}}]} or the array")
        ->type_name("FILE.json")
        ->group(steps);
    app->add_option("--skill", f.skills, "a step (repeatable), instead of --pipeline")
        ->type_name("NAME[=JSON]")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(steps);
    const char* pace = "Pace and order";
    app->add_option("--concurrency", f.concurrency,
                    "most tasks in flight (default 64); backs off on 429")
        ->type_name("N")
        ->group(pace);
    app->add_option("--rate", f.rate, "requests per second, submits and polls (default unlimited)")
        ->type_name("R")
        ->group(pace);
    app->add_option("--connections", f.connections, "connections to the service (default 32)")
        ->type_name("C")
        ->group(pace);
    app->add_option("--task-timeout", f.task_timeout,
                    "bound each item from submit to outcome (default 1h; a bare\nnumber is "
                    "seconds); past it the item ends ERROR and --resume\nwaits on it again")
        ->type_name("DURATION")
        ->group(pace);
    app->add_flag("--ordered", f.ordered, "write outcomes in input order")->group(pace);
    app->add_option("--shard", f.shard,
                    "process only lines with (line number - 1) % N == K, 0 <= K < N")
        ->type_name("K/N")
        ->group(pace);
    app->add_flag("--fail-fast", f.fail_fast, "stop submitting at the first failed item")
        ->group(pace);
    app->add_option("--progress", f.progress,
                    "a live bar on a terminal, status lines otherwise (default auto)")
        ->type_name("auto|always|never")
        ->group(pace);
    return app;
}

// A number of at least `low`, with the flag and the text in the message.
double number_of(const std::string& flag, const std::string& text, double low) {
    double n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size() || !(n >= low) || !std::isfinite(n) ||
        n > 1e9)
        usage_error(flag + ": '" + text +
                    "' is not a number >= " + std::to_string(static_cast<int>(low)));
    return n;
}

void read_shard(const std::string& text, batch_arguments& out) {
    auto slash = text.find('/');
    std::uint64_t k = 0, n = 0;
    bool ok =
        slash != std::string::npos &&
        std::from_chars(text.data(), text.data() + slash, k).ec == std::errc{} &&
        std::from_chars(text.data() + slash + 1, text.data() + text.size(), n).ec == std::errc{};
    if (!ok || n == 0 || k >= n)
        usage_error("--shard takes K/N with 0 <= K < N, e.g. --shard 0/4");
    out.shard_index = k;
    out.shard_count = n;
}

std::chrono::milliseconds task_timeout_of(const std::string& text) {
    std::chrono::microseconds d{};
    try {
        d = common::parse_duration_or_seconds(text);
    } catch (const std::invalid_argument& e) {
        usage_error(std::string("--task-timeout: ") + e.what());
    }
    if (d.count() <= 0)
        usage_error("--task-timeout must be positive");
    return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(d),
                    std::chrono::milliseconds{1});
}

} // namespace

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

std::string batch_usage() {
    batch_flags f;
    return make_app(f)->help();
}

std::vector<std::string> batch_flag_names() {
    batch_flags f;
    return common::flag_names(*make_app(f));
}

batch_arguments parse_batch_arguments(std::span<const std::string_view> args) {
    batch_arguments out;
    batch_flags f;
    auto app = make_app(f);
    const auto extra = [](const std::string& a) {
        if (a.starts_with("-") && a != "-")
            return "unknown batch flag '" + a.substr(0, a.find('=')) + "'";
        return "unexpected argument '" + a + "' (one INPUT.jsonl only)";
    };
    out.show_help = common::parse_flags(*app, args, extra);
    if (out.show_help)
        return out;
    out.input_path = f.input;
    out.output_path = f.output;
    out.journal_path = f.journal;
    if (!f.pipeline.empty())
        out.options.pipeline = read_pipeline_file(f.pipeline);
    for (const auto& s : f.skills)
        add_skill_step(out.options.pipeline, s);
    if (app->count("--concurrency"))
        out.options.concurrency =
            static_cast<std::size_t>(number_of("--concurrency", f.concurrency, 1));
    if (app->count("--rate"))
        out.options.rate = number_of("--rate", f.rate, 0);
    if (app->count("--connections"))
        out.connections = static_cast<std::size_t>(number_of("--connections", f.connections, 1));
    if (app->count("--task-timeout"))
        out.options.task_timeout = task_timeout_of(f.task_timeout);
    if (app->count("--shard"))
        read_shard(f.shard, out);
    if (f.progress != "auto" && f.progress != "always" && f.progress != "never")
        usage_error("--progress takes auto, always or never");
    out.progress = f.progress;
    out.resume = f.resume;
    out.overwrite = f.overwrite;
    out.files_under = f.files_under;
    out.options.fsync = f.fsync;
    out.options.resubmit_unknown = f.resubmit_unknown;
    out.options.ordered = f.ordered;
    out.options.fail_fast = f.fail_fast;

    if (out.input_path.empty())
        usage_error("batch needs an INPUT.jsonl");
    if (!f.pipeline.empty() && !f.skills.empty()) // they would silently mix: refuse
        usage_error("give --pipeline or --skill, not both");
    if (out.options.pipeline.steps().empty())
        usage_error("batch needs --pipeline FILE.json or at least one --skill");
    if (out.output_path == "/dev/stdout" || out.output_path == "-")
        out.output_path.clear(); // standard output, by any name
    if (out.journal_path.empty() && !out.output_path.empty()) {
        // A journal beside a file: never beside a device or a pipe (/dev/null.journal).
        struct stat st {};
        if (::stat(out.output_path.c_str(), &st) != 0 || S_ISREG(st.st_mode))
            out.journal_path = out.output_path + ".journal";
    }
    if (out.resume && out.journal_path.empty())
        usage_error("--resume needs --journal (or -o, whose journal is OUTPUT.journal)");
    if (out.resume && out.overwrite)
        usage_error("give --resume or --overwrite, not both");
    out.options.journal_path = out.journal_path;
    return out;
}

} // namespace oneai::cli
