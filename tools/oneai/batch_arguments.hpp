#pragma once
// The flags of `oneai batch`.

#include <oneai/batch_options.hpp>

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace oneai::cli {

struct batch_arguments {
    std::string input_path;  // "-" = standard input
    std::string output_path; // "" = stdout
    std::string journal_path;
    batch_options options;
    bool resume = false;
    bool overwrite = false;
    std::uint64_t shard_index = 0;
    std::uint64_t shard_count = 1;
    std::string progress = "auto";
    std::size_t connections = 0;
    std::vector<std::string> files_under;
    bool show_help = false;
};

/// Throws std::invalid_argument with a message for people.
batch_arguments parse_batch_arguments(std::span<const std::string_view> args);
std::string batch_usage();
/// Every flag of `oneai batch`, for shell completion.
std::vector<std::string> batch_flag_names();
/// The steps of a --pipeline FILE.json ({"steps":[...]} or the array); throws
/// std::invalid_argument naming the file.
pipeline read_pipeline_file(const std::string& path);

} // namespace oneai::cli
