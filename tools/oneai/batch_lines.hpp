#pragma once
// The JSONL formats of `oneai batch`: input lines to items, outcomes to
// output lines, and reading back which indexes an output file already holds.

#include <oneai/batch_item.hpp>
#include <oneai/batch_outcome.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace oneai::cli {

/// Where a line's "file" may point. An input file is untrusted: its file paths
/// are resolved against `base` (the input's folder) and must stay under it or
/// under one of `also_under` (--files-under); absolute paths and ".." escapes
/// are refused otherwise. An empty `base` checks nothing (trusted callers).
struct file_rules {
    std::filesystem::path base;
    std::vector<std::filesystem::path> also_under;
};

/// A JSON string, or an object with one of text, url, file, conversation, an
/// optional id and other fields (echoed). A line that is none of these gives
/// an item with `invalid` set, naming the line number.
batch_item parse_input_line(std::string_view line, std::uint64_t index,
                            const file_rules& files = {});

/// Appends one output line (with the trailing newline) to `out`.
void append_outcome(std::string& out, const batch_outcome& o);
/// One output line (with the trailing newline).
std::string format_outcome(const batch_outcome& o);

/// Reads an output line's index and status ("COMPLETED", ...) without parsing
/// the whole line; false when it is not an outcome line.
bool read_outcome_key(std::string_view line, std::uint64_t& index, std::string_view& status);

} // namespace oneai::cli
