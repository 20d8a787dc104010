#pragma once
// The flags of the task commands of `oneai`: run, status and wait.

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace oneai::cli {

struct arguments;

/// What the task commands' flags hold while CLI11 parses them.
struct task_command_flags {
    std::vector<std::string> skills;
    std::string text, url, file, conversation; // one of them, once
    std::string input_type, content_type;
    bool sync = false, no_wait = false, json = false;
    std::string task_id;
};

/// Adds `run`, `status` and `wait` as subcommands of `app`, bound to `flags`.
void add_task_commands(CLI::App& app, task_command_flags& flags);

/// Checks the flags of `out.command` as `app` parsed them (one of the three) and moves them into
/// `out`. Throws std::invalid_argument with a message for people.
void finish_task_command(const CLI::App& app, task_command_flags& flags, arguments& out);

} // namespace oneai::cli
