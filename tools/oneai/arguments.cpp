#include "arguments.hpp"

#include "run_arguments.hpp"

#include "common/command_line_flags.hpp"
#include "common/duration_text.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace oneai::cli {
namespace {

[[noreturn]] void usage_error(const std::string& what) {
    throw std::invalid_argument(what);
}

// The commands whose flags their own parsers read (batch_arguments, bench_arguments,
// the emulator's command_line): everything after the command is theirs.
constexpr const char* passed_on_commands[] = {"batch", "bench", "emulator"};

// What the global flags hold while CLI11 parses them.
struct global_flags {
    std::string base_url, api_key, api_key_file, timeout, poll, ca_file, completion;
    bool emulator = false, version = false;
    task_command_flags task;
};

// The key flags are read here rather than through CLI11's environment
// fallback: either flag must win over either variable, whichever is set.
constexpr const char* key_env_note = " (Env:ONEAI_API_KEY)";
constexpr const char* key_file_env_note = " (Env:ONEAI_API_KEY_FILE)";

std::unique_ptr<CLI::App> make_app(global_flags& f) {
    auto app = std::make_unique<CLI::App>(
        "Runs One AI pipelines, checks and waits on tasks, runs batches and load tests, "
        "or the\nPipeline API emulator.",
        "oneai");
    common::prepare_flags(*app, "Usage: oneai [global flags] COMMAND [flags]");
    app->footer("`oneai COMMAND --help` shows the flags of a command.\n\n"
                "Exit status: 0 done, 2 usage, 3 task FAILED (batch: some item failed), 4 "
                "refused by the\nAPI (4xx), 5 transport error, timeout or polling exhausted, "
                "130 interrupted.");
    const char* group = "Global flags (before the command)";
    app->add_option("--base-url", f.base_url, "the API (default https://api.oneai.com)")
        ->type_name("URL")
        ->envname("ONEAI_BASE_URL")
        ->group(group);
    app->add_option("--api-key-file", f.api_key_file,
                    std::string("read the API key from FILE (its first line)") + key_file_env_note)
        ->type_name("FILE")
        ->group(group);
    app->add_option("--api-key", f.api_key,
                    std::string("the key itself: visible to every user in `ps`; prefer\n"
                                "ONEAI_API_KEY or --api-key-file") +
                        key_env_note)
        ->type_name("KEY")
        ->group(group);
    app->add_option("--timeout", f.timeout,
                    "deadline of the whole operation, submit and wait together\n(default 1h; "
                    "250ms, 30s, 5m; a bare number is seconds)")
        ->type_name("DURATION")
        ->envname("ONEAI_TIMEOUT")
        ->group(group);
    app->add_option("--poll", f.poll,
                    "polling: adaptive[:TARGET] (default: learns the service time\nand polls "
                    "when a task is likely done, mean detection delay\n500ms), or a schedule: "
                    "fixed:1s, exp:250ms..8s,\ndecorrelated:250ms..8s")
        ->type_name("SPEC")
        ->envname("ONEAI_POLL")
        ->group(group);
    app->add_option("--ca-file", f.ca_file, "trust these CAs instead of the system's")
        ->type_name("PEM")
        ->envname("ONEAI_CA_FILE")
        ->group(group);
    app->add_flag("--emulator", f.emulator, "start an in-process emulator and use it")
        ->group(group);
    app->add_flag("--version", f.version, "print the version and exit")->group(group);
    app->add_option("--completion", f.completion, "print the completion script of SHELL (bash)")
        ->type_name("SHELL")
        ->group(group);

    app->get_help_ptr()->group(group);

    add_task_commands(*app, f.task);
    app->add_subcommand("batch", "run a pipeline over every line of a JSONL file");
    app->add_subcommand("bench",
                        "a load run: honest latencies, a report, thresholds;\n"
                        "bench compare A.json B.json, bench merge R1.json ... -o ALL.json");
    app->add_subcommand("emulator", "run the Pipeline API emulator");
    for (const char* name : passed_on_commands) {
        auto* command = app->get_subcommand(name);
        command->prefix_command(); // the rest, --help included, goes to the command's parser
        command->set_help_flag();
    }
    for (auto* command : app->get_subcommands({}))
        command->group("Commands");
    return app;
}

// The first line of `path`, without surrounding blanks: a key file written by
// `echo KEY > file` or a secrets manager ends with a newline.
std::string read_api_key_file(const std::string& path) {
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

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// The key: the last of --api-key and --api-key-file given, else ONEAI_API_KEY,
// else the file ONEAI_API_KEY_FILE names.
void read_key(const CLI::App& app, const global_flags& f, options& o) {
    const CLI::Option* last = nullptr;
    for (const CLI::Option* given : app.parse_order())
        if (given->check_name("--api-key") || given->check_name("--api-key-file"))
            last = given;
    if (last && last->check_name("--api-key"))
        o.api_key = f.api_key;
    else if (last)
        o.api_key = read_api_key_file(f.api_key_file);
    else if (auto key = environment("ONEAI_API_KEY"); !key.empty())
        o.api_key = key;
    else if (auto file = environment("ONEAI_API_KEY_FILE"); !file.empty())
        o.api_key = read_api_key_file(file);
}

// Words no flag or command took: before the command they are global flags
// or the command, after it the command's own.
std::string extra_message(const CLI::App& app, const std::string& argument) {
    const auto before_command = app.remaining();
    const bool global =
        std::find(before_command.begin(), before_command.end(), argument) != before_command.end();
    if (auto commands = app.get_subcommands(); !commands.empty() && !global)
        return (argument.starts_with("-") ? "unknown flag '" : "unexpected argument '") + argument +
               "' for " + commands.front()->get_name();
    if (argument.starts_with("-"))
        return "unknown global flag '" + argument.substr(0, argument.find('=')) + "'";
    return "unknown command '" + argument + "' (run, status, wait, batch, bench, emulator)";
}

} // namespace

arguments parse_arguments(std::span<const std::string_view> args) {
    arguments out;
    global_flags f;
    auto app = make_app(f);
    out.show_help = common::parse_flags(
        *app, args, [&](const std::string& a) { return extra_message(*app, a); });
    if (out.show_help) {
        out.help_text = app->help(); // the command's, when one was given
        return out;
    }
    out.show_version = f.version;
    out.completion = f.completion;
    if (!out.completion.empty() && out.completion != "bash")
        usage_error("--completion: only bash is known, not '" + out.completion + "'");
    if (out.show_version || !out.completion.empty())
        return out;
    options& o = out.client_options;
    if (!f.base_url.empty())
        o.base_url = f.base_url;
    read_key(*app, f, o);
    if (app->count("--timeout") > 0) {
        std::chrono::milliseconds d{};
        try {
            d = std::chrono::duration_cast<std::chrono::milliseconds>(
                common::parse_duration_or_seconds(f.timeout));
        } catch (const std::invalid_argument& e) {
            usage_error(std::string("--timeout: ") + e.what());
        }
        if (d.count() <= 0)
            usage_error("--timeout: must be at least 1ms (0 would mean no deadline)");
        o.task_deadline = d;
        out.timeout_given = true;
    }
    if (app->count("--poll") > 0) {
        try {
            o.polling = poll_policy::parse(f.poll);
        } catch (const std::invalid_argument& e) {
            usage_error(std::string("--poll: ") + e.what());
        }
    }
    if (!f.ca_file.empty())
        o.tls.ca_file = f.ca_file;
    out.use_emulator = f.emulator;

    const auto commands = app->get_subcommands();
    if (commands.empty())
        usage_error("no command given");
    const CLI::App& command = *commands.front();
    out.command = command.get_name();
    if (command.get_prefix_command()) {
        // Views into `args`, which outlive the result (they are main's argv).
        const auto first = args.size() - command.remaining_size();
        out.rest.assign(args.begin() + static_cast<std::ptrdiff_t>(first), args.end());
        return out;
    }
    finish_task_command(*app, f.task, out);
    return out;
}

std::string usage() {
    global_flags f;
    return make_app(f)->help();
}

std::vector<std::string> global_flag_names() {
    global_flags f;
    return common::flag_names(*make_app(f));
}

std::vector<std::string> global_flag_names_with_values() {
    global_flags f;
    return common::flag_names(*make_app(f), true);
}

std::vector<std::string> command_names() {
    global_flags f;
    auto app = make_app(f); // outlives the loop over its commands
    std::vector<std::string> names;
    for (const auto* command : app->get_subcommands({}))
        names.push_back(command->get_name());
    return names;
}

std::vector<std::string> task_command_flag_names(const std::string& command) {
    global_flags f;
    auto app = make_app(f);
    return common::flag_names(*app->get_subcommand(command));
}

} // namespace oneai::cli
