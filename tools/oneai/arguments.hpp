#pragma once
// The command line of `oneai`: global flags, then a command and its flags.

#include <oneai/input.hpp>
#include <oneai/options.hpp>
#include <oneai/pipeline.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace oneai::cli {

struct arguments {
    // global
    options client_options;
    bool timeout_given = false; // --timeout was passed (a batch has no deadline otherwise)
    bool use_emulator = false;
    bool show_help = false;    // print help_text and exit
    std::string help_text;     // the help of the command asked about (or of oneai)
    bool show_version = false; // --version
    std::string completion;    // --completion SHELL: print its completion script
    // command
    std::string command; // run, status, wait, batch, bench, emulator
    pipeline steps;
    std::optional<input> run_input;
    bool sync = false;
    bool no_wait = false;
    bool json = false;
    std::string task_id;
    std::vector<std::string_view>
        rest; // the flags of `emulator`, `batch` and `bench`, parsed by them
};

/// Throws std::invalid_argument with a message for people. The environment
/// stands in for absent flags: ONEAI_BASE_URL, ONEAI_API_KEY, ONEAI_API_KEY_FILE,
/// ONEAI_TIMEOUT, ONEAI_POLL, ONEAI_CA_FILE.
arguments parse_arguments(std::span<const std::string_view> args);
/// The --help text of `oneai`.
std::string usage();
/// The global flags and the commands, for shell completion.
std::vector<std::string> global_flag_names();
std::vector<std::string> global_flag_names_with_values();
std::vector<std::string> command_names();
/// The flags of `run`, `status` or `wait`, for shell completion.
std::vector<std::string> task_command_flag_names(const std::string& command);
/// Adds the step of a `--skill NAME[=JSON]` flag.
void add_skill_step(pipeline& p, std::string_view spec);

} // namespace oneai::cli
