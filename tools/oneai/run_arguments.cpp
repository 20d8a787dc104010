#include "run_arguments.hpp"

#include "arguments.hpp"

#include "common/command_line_flags.hpp"

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>

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

CLI::Option* add_input(CLI::App& run, const std::string& name, std::string& into,
                       const std::string& value_name, const std::string& description) {
    return run.add_option(name, into, description)
        ->type_name(value_name)
        ->group("Input (exactly one)");
}

} // namespace

void add_skill_step(pipeline& p, std::string_view spec) {
    auto eq = spec.find('=');
    p.add_step(std::string(spec.substr(0, eq)),
               eq == std::string_view::npos ? "{}" : std::string(spec.substr(eq + 1)));
}

void add_task_commands(CLI::App& app, task_command_flags& f) {
    auto* run = app.add_subcommand("run", "run a pipeline; prints a readable result, the raw "
                                          "JSON with --json,\nonly the task id with --no-wait");
    common::prepare_flags(*run,
                          "Usage: oneai [global flags] run --skill NAME[=JSON]... "
                          "(--text T | --url U | --file PATH |\n"
                          "                                 --conversation FILE.json) [flags]");
    run->add_option("--skill", f.skills, "a step of the pipeline (repeatable, in order)")
        ->type_name("NAME[=JSON]")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    add_input(*run, "--text", f.text, "T", "the text to process");
    add_input(*run, "--url", f.url, "U", "a web page the service fetches");
    add_input(*run, "--file", f.file, "PATH", "a local file, uploaded");
    add_input(*run, "--conversation", f.conversation, "FILE.json",
              "a JSON array of {speaker, utterance, timestamp}");
    run->add_option("--input-type", f.input_type, "how the service reads the input")
        ->type_name("article|conversation");
    run->add_option("--content-type", f.content_type, "the type of the --file (text/plain, ...)")
        ->type_name("TYPE");
    run->add_flag("--sync", f.sync, "use the sync endpoint: one request, no polling");
    run->add_flag("--no-wait", f.no_wait, "submit, print the task id, and exit");
    run->add_flag("--json", f.json, "print the raw JSON result");

    auto* status = app.add_subcommand("status", "one status request for a task");
    auto* wait = app.add_subcommand("wait", "poll a task until it finishes, and print its result");
    for (auto* command : {status, wait}) {
        common::prepare_flags(*command, "Usage: oneai [global flags] " + command->get_name() +
                                            " TASK_ID [--json]");
        command->add_option("TASK_ID", f.task_id, "the task, as `run --no-wait` printed it");
        command->add_flag("--json", f.json, "print the raw JSON");
    }
}

void finish_task_command(const CLI::App& app, task_command_flags& f, arguments& out) {
    out.json = f.json;
    if (out.command != "run") {
        if (f.task_id.empty())
            usage_error(out.command + " needs a TASK_ID");
        out.task_id = f.task_id;
        return;
    }
    for (const auto& s : f.skills)
        add_skill_step(out.steps, s);
    if (!f.input_type.empty())
        out.steps.input_type(f.input_type);
    // Each input flag may come once, and only one of them: a second one is
    // refused rather than silently replacing the first.
    const CLI::App& run = *app.get_subcommand("run");
    if (run.count("--text") + run.count("--url") + run.count("--file") +
            run.count("--conversation") >
        1)
        usage_error("give exactly one of --text, --url, --file, --conversation");
    if (out.steps.steps().empty())
        usage_error("run needs at least one --skill");
    if (run.count("--text"))
        out.run_input = text_input{f.text};
    else if (run.count("--url"))
        out.run_input = url_input{f.url};
    else if (run.count("--file"))
        out.run_input = file_input{f.file, f.content_type};
    else if (run.count("--conversation"))
        out.run_input = read_conversation(f.conversation);
    else
        usage_error("run needs an input: --text, --url, --file or --conversation");
    if (auto* file = std::get_if<file_input>(&*out.run_input)) {
        std::ifstream probe(file->path);
        if (!probe)
            usage_error("cannot read '" + file->path.string() + "'");
    } else if (!f.content_type.empty()) {
        usage_error("--content-type goes with --file");
    }
    out.sync = f.sync;
    out.no_wait = f.no_wait;
    if (out.sync && out.no_wait)
        usage_error("--sync and --no-wait exclude each other");
}

} // namespace oneai::cli
