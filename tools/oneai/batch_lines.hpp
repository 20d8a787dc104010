#pragma once
// The JSONL formats of `oneai batch`: input lines to items, outcomes to
// output lines, and reading back which indexes an output file already holds.

#include <oneai/batch_item.hpp>
#include <oneai/batch_outcome.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

namespace oneai::cli {

/// A JSON string, or an object with one of text, url, file, conversation, an
/// optional id and other fields (echoed). A line that is none of these gives
/// an item with `invalid` set, naming the line number.
batch_item parse_input_line(std::string_view line, std::uint64_t index);

/// One output line (with the trailing newline).
std::string format_outcome(const batch_outcome& o);

/// The indexes of the whole lines of an existing output file; a torn last
/// line (from a killed run) is cut off the file. Throws std::runtime_error.
std::unordered_set<std::uint64_t> recover_output(const std::string& path);

} // namespace oneai::cli
