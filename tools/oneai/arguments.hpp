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
    bool show_help = false;
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

/// Throws std::invalid_argument with a message for people. Reads
/// ONEAI_BASE_URL and ONEAI_API_KEY when the flags are absent.
arguments parse_arguments(std::span<const std::string_view> args);
std::string usage();
/// Adds the step of a `--skill NAME[=JSON]` flag.
void add_skill_step(pipeline& p, std::string_view spec);

} // namespace oneai::cli
