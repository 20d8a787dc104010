#pragma once
// The flags of `oneai bench` (a run; `compare` and `merge` parse their own).

#include <oneai/load/load_options.hpp>
#include <oneai/load/threshold.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace oneai::cli {

struct bench_arguments {
    load::load_options load;
    std::vector<load::threshold> thresholds; // --fail-if, in order
    std::string report_path;                 // --report FILE.json
    std::string html_path;                   // --html FILE.html
    std::string progress = "auto";           // the live view: auto (a terminal), always, never
    std::size_t connections = 0;             // 0: the client's default
    bool use_emulator = false;
    std::string emulator_latency; // --emulator-latency SPEC ("" = the default)
    std::size_t emulator_workers = 0;
    bool show_help = false;
};

/// Throws std::invalid_argument with a message for people.
bench_arguments parse_bench_arguments(std::span<const std::string_view> args);
std::string bench_usage();
/// Every flag of a bench run, for shell completion.
std::vector<std::string> bench_flag_names();

} // namespace oneai::cli
