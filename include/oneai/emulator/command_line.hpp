#pragma once

#include <oneai/config.hpp>
#include <oneai/emulator/config.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace oneai::emulator {

/// The emulator's command line, read by parse_command_line(); shared by the
/// `oneai-emulator` program and the `oneai emulator` subcommand.
struct command_line {
    config cfg;                ///< the server's settings, defaults where no flag was given
    bool show_help = false;    ///< --help was given
    bool show_version = false; ///< --version was given
};

/// Parses flags (not the program name). Accepts `--flag value` and
/// `--flag=value`. Throws std::invalid_argument with a message that names the
/// flag and what was wrong with it. ONEAI_EMULATOR_ADDRESS and
/// ONEAI_EMULATOR_PORT stand in for absent --address and --port. A duration
/// flag's bare number is seconds.
ONEAI_API command_line parse_command_line(std::span<const std::string_view> args);

/// The --help text.
ONEAI_API std::string command_line_usage(std::string_view program);

/// Every flag name ("--port", ...), for shell completion.
ONEAI_API std::vector<std::string> command_line_flag_names();

} // namespace oneai::emulator
