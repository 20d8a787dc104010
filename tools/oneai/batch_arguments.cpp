#include "batch_arguments.hpp"

#include "arguments.hpp"
#include "common/duration_text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace oneai::cli {
namespace {

[[noreturn]] void usage_error(const std::string& what) {
    throw std::invalid_argument(what);
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
    return R"(Usage: oneai [global flags] batch INPUT.jsonl [flags]

Runs the pipeline over every line of INPUT.jsonl. A line is a JSON string (the text)
or an object with one of "text", "url", "file", "conversation", an optional "id", and
any other fields, which are echoed into the output. Output lines (JSONL, stdout by
default): index, id, task_id, status, result or error, timings, echoed fields.

  INPUT.jsonl may be - (standard input); pipes and FIFOs are read once, streamed.

  -o, --output FILE        write outcomes here (appended to on --resume); refused
                           when it is the input or the journal, or not empty
                           without --resume or --overwrite
  --pipeline FILE.json     the steps: {"steps":[{"skill":..., "params":{...}}]} or the array
  --skill NAME[=JSON]      a step (repeatable), instead of --pipeline
  --concurrency N          most tasks in flight (default 64); backs off on 429
  --rate R                 requests per second, submits and polls (default unlimited)
  --connections C          connections to the service (default 32)
  --journal FILE           journal for --resume (default OUTPUT.journal when -o is given);
                           locked while the batch runs: a second batch on it is refused
  --resume                 finish an interrupted batch: skip finished items, wait on
                           submitted ones by task id, retry ERROR items, submit the rest
  --overwrite              start over: empty the output and the journal first
  --resubmit-unknown       on --resume, resubmit items whose submit answer was lost
                           (the service may then run them twice)
  --ordered                write outcomes in input order
  --shard K/N              process only lines with (line number - 1) % N == K, 0 <= K < N
  --progress auto|always|never   a live bar on a terminal, status lines otherwise
  --fail-fast              stop submitting at the first failed item
  --task-timeout DURATION  bound each item from submit to outcome (default 1h); past it
                           the item ends ERROR and --resume waits on it again
  --fsync                  survive power loss, not just a killed process: sync the
                           journal before submits and the output before finish records
  --files-under DIR        let "file" paths point under DIR (repeatable); by default
                           they must stay under the input file's folder

A 429 means "later": refused submits wait and go again for as long as the batch runs.
Ctrl-C once: stop submitting and drain what is in flight; twice: stop now. SIGTERM and
SIGHUP stop now. The global --timeout bounds the whole run (then it stops now, exit 5).
Either way --resume finishes the job. Exit status: 0 every item completed, 3 some item
failed or ended in an error, 2 usage or files refused, 1 the output could not be
written, 5 --timeout, 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP.
)";
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
            if (ec != std::errc{} || end != v.data() + v.size() || !(n >= low) ||
                !std::isfinite(n) || n > 1e9)
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
        else if (a == "--overwrite")
            out.overwrite = true;
        else if (a == "--fsync")
            out.options.fsync = true;
        else if (a == "--files-under")
            out.files_under.emplace_back(value());
        else if (a == "--task-timeout") {
            std::string_view v = value();
            try {
                auto d = common::parse_duration(v);
                if (d.count() <= 0)
                    usage_error("--task-timeout must be positive");
                out.options.task_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(d);
                if (out.options.task_timeout.count() == 0)
                    out.options.task_timeout = std::chrono::milliseconds{1};
            } catch (const std::invalid_argument& e) {
                usage_error(std::string("--task-timeout: ") + e.what());
            }
        } else if (a == "--resubmit-unknown")
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
        } else if ((a == "-" || !a.starts_with("-")) && out.input_path.empty())
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
