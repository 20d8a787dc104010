#include "arguments.hpp"

#include "common/duration_text.hpp"

#include <boost/json/parse.hpp>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace oneai::cli {
namespace {

[[noreturn]] void usage_error(const std::string& what) {
    throw std::invalid_argument(what);
}

conversation_input read_conversation(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        usage_error("cannot read the conversation file '" + path + "'");
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    auto v = boost::json::parse(text.str(), ec);
    if (ec || !v.is_array())
        usage_error("'" + path + "' is not a JSON array of {speaker, utterance, timestamp}" +
                    (ec ? ": " + ec.message() : std::string{}));
    conversation_input conv;
    for (const auto& item : v.as_array()) {
        const auto* o = item.if_object();
        const auto* text_value = o ? o->if_contains("utterance") : nullptr;
        if (!text_value || !text_value->is_string())
            usage_error("'" + path + "': every item needs an 'utterance' string");
        utterance u;
        u.text = text_value->get_string();
        if (const auto* s = o->if_contains("speaker"); s && s->is_string())
            u.speaker = s->get_string();
        if (const auto* t = o->if_contains("timestamp"); t && t->is_string())
            u.timestamp = std::string(t->get_string());
        conv.utterances.push_back(std::move(u));
    }
    if (conv.utterances.empty())
        usage_error("'" + path + "' has no utterances");
    return conv;
}

} // namespace

void add_skill_step(pipeline& p, std::string_view spec) {
    auto eq = spec.find('=');
    p.add_step(std::string(spec.substr(0, eq)),
               eq == std::string_view::npos ? "{}" : std::string(spec.substr(eq + 1)));
}

std::string usage() {
    return R"(Usage: oneai [global flags] COMMAND [flags]

Commands:
  run --skill NAME[=JSON]... (--text T | --url U | --file PATH | --conversation FILE.json)
      [--input-type article|conversation] [--content-type TYPE] [--sync] [--no-wait] [--json]
                        run a pipeline; prints a readable result, the raw JSON with --json,
                        only the task id with --no-wait
  status TASK_ID [--json]   one status request
  wait TASK_ID [--json]     poll until the task finishes
  batch INPUT.jsonl [-o OUT.jsonl] [--pipeline FILE.json | --skill NAME[=JSON]...]
      [--concurrency N] [--rate R] [--connections C] [--journal FILE] [--resume]
      [--resubmit-unknown] [--ordered] [--shard K/N] [--progress auto|always|never] [--fail-fast]
                        run a pipeline over every line of a JSONL file (see oneai batch --help)
  bench (--rate R | --concurrency C) (--duration D | --requests N) [flags]
                        a load run: honest latencies, a report, thresholds (see oneai bench --help);
                        bench compare A.json B.json, bench merge R1.json ... -o ALL.json
  emulator [FLAGS]          run the Pipeline API emulator (see oneai emulator --help)

Global flags:
  --base-url URL        the API (default https://api.oneai.com, or ONEAI_BASE_URL)
  --api-key-file FILE   read the API key from FILE (its first line)
  --api-key KEY         the key itself: visible to every user in `ps`; prefer
                        ONEAI_API_KEY or --api-key-file
  --timeout DURATION    deadline of the whole operation, submit and wait together (default 1h;
                        250ms, 30s, 5m; a bare number is seconds)
  --poll SPEC           polling: adaptive[:TARGET] (default: learns the service time and
                        polls when a task is likely done, mean detection delay 500ms),
                        or a schedule: fixed:1s, exp:250ms..8s, decorrelated:250ms..8s
  --ca-file PEM         trust these CAs instead of the system's
  --emulator            start an in-process emulator and use it

Exit status: 0 done, 2 usage, 3 task FAILED (batch: some item failed), 4 refused by the API (4xx),
5 transport error, timeout or polling exhausted, 130 interrupted.
)";
}

// The first line of `path`, without surrounding blanks: a key file written by
// `echo KEY > file` or a secrets manager ends with a newline.
static std::string read_api_key_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        usage_error("--api-key-file: '" + path + "' is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        usage_error("--api-key-file: cannot read '" + path + "'");
    std::string key;
    std::getline(in, key);
    const auto first = key.find_first_not_of(" \t\r");
    const auto last = key.find_last_not_of(" \t\r");
    key = first == std::string::npos ? std::string() : key.substr(first, last - first + 1);
    if (key.empty())
        usage_error("--api-key-file: '" + path + "' holds no key on its first line");
    return key;
}

arguments parse_arguments(std::span<const std::string_view> args) {
    arguments out;
    if (const char* url = std::getenv("ONEAI_BASE_URL"); url && *url)
        out.client_options.base_url = url;
    if (const char* key = std::getenv("ONEAI_API_KEY"); key && *key)
        out.client_options.api_key = key;
    std::size_t i = 0;
    auto value_of = [&](std::string_view flag) -> std::string_view {
        if (i + 1 >= args.size())
            usage_error(std::string(flag) + " needs a value");
        return args[++i];
    };
    // A positive duration; a bare number is seconds, as curl, wget and timeout(1) read it.
    auto duration_of = [&](std::string_view flag) {
        std::string text(value_of(flag));
        double number = 0;
        if (auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
            !text.empty() && ec == std::errc{} && end == text.data() + text.size())
            text += "s"; // a bare number (3, 1.5, 1e3)
        std::chrono::milliseconds d{};
        try {
            d = std::chrono::duration_cast<std::chrono::milliseconds>(common::parse_duration(text));
        } catch (const std::invalid_argument& e) {
            usage_error(std::string(flag) + ": " + e.what());
        }
        if (d.count() <= 0)
            usage_error(std::string(flag) + ": must be at least 1ms (0 would mean no deadline)");
        return d;
    };
    // Global flags come before the command.
    for (; i < args.size() && args[i].starts_with("-"); ++i) {
        std::string_view a = args[i];
        if (a == "--help" || a == "-h")
            out.show_help = true;
        else if (a == "--base-url")
            out.client_options.base_url = value_of(a);
        else if (a == "--api-key")
            out.client_options.api_key = value_of(a);
        else if (a == "--api-key-file")
            out.client_options.api_key = read_api_key_file(std::string(value_of(a)));
        else if (a == "--timeout") {
            out.client_options.task_deadline = duration_of(a);
            out.timeout_given = true;
        } else if (a == "--poll") {
            try {
                out.client_options.polling = poll_policy::parse(value_of(a));
            } catch (const std::invalid_argument& e) {
                usage_error(std::string("--poll: ") + e.what());
            }
        } else if (a == "--ca-file")
            out.client_options.tls.ca_file = value_of(a);
        else if (a == "--emulator")
            out.use_emulator = true;
        else
            usage_error("unknown global flag '" + std::string(a) + "'");
    }
    if (out.show_help)
        return out;
    if (i == args.size())
        usage_error("no command given");
    out.command = args[i++];
    if (out.command == "emulator" || out.command == "batch" || out.command == "bench") {
        out.rest.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
        return out;
    }
    if (out.command != "run" && out.command != "status" && out.command != "wait")
        usage_error("unknown command '" + out.command +
                    "' (run, status, wait, batch, bench, emulator)");

    std::string content_type;
    for (; i < args.size(); ++i) {
        std::string_view a = args[i];
        auto set_input = [&](input in) {
            if (out.run_input)
                usage_error("give exactly one of --text, --url, --file, --conversation");
            out.run_input = std::move(in);
        };
        if (a == "--json")
            out.json = true;
        else if (out.command != "run" && !a.starts_with("-") && out.task_id.empty())
            out.task_id = a;
        else if (out.command != "run")
            usage_error("unexpected argument '" + std::string(a) + "'");
        else if (a == "--skill")
            add_skill_step(out.steps, value_of(a));
        else if (a == "--text")
            set_input(text_input{std::string(value_of(a))});
        else if (a == "--url")
            set_input(url_input{std::string(value_of(a))});
        else if (a == "--file")
            set_input(file_input{std::string(value_of(a)), ""});
        else if (a == "--conversation")
            set_input(read_conversation(std::string(value_of(a))));
        else if (a == "--input-type")
            out.steps.input_type(std::string(value_of(a)));
        else if (a == "--content-type")
            content_type = value_of(a);
        else if (a == "--sync")
            out.sync = true;
        else if (a == "--no-wait")
            out.no_wait = true;
        else
            usage_error("unknown flag '" + std::string(a) + "' for " + out.command);
    }
    if (out.command == "run") {
        if (out.steps.steps().empty())
            usage_error("run needs at least one --skill");
        if (!out.run_input)
            usage_error("run needs an input: --text, --url, --file or --conversation");
        if (auto* f = std::get_if<file_input>(&*out.run_input)) {
            f->content_type = content_type;
            std::ifstream probe(f->path);
            if (!probe)
                usage_error("cannot read '" + f->path.string() + "'");
        } else if (!content_type.empty()) {
            usage_error("--content-type goes with --file");
        }
        if (out.sync && out.no_wait)
            usage_error("--sync and --no-wait exclude each other");
    } else if (out.task_id.empty()) {
        usage_error(out.command + " needs a TASK_ID");
    }
    return out;
}

} // namespace oneai::cli
