#pragma once
// Checks on the files of `oneai batch` before anything is opened for writing,
// so that a mistyped command never destroys data.

#include <string>
#include <sys/stat.h>

namespace oneai::cli {

/// Throws std::invalid_argument when two of the input, the output and the
/// journal are the same file: compared by device and inode when they exist
/// (so links and other spellings are caught), by normalised path otherwise.
/// `input` is the open input's identity; "" paths are skipped.
void refuse_same_files(const std::string& input_path, const struct stat& input,
                       const std::string& output_path, const std::string& journal_path);

/// Throws std::invalid_argument when the output or the journal already holds
/// something: a new batch must not silently replace an earlier one.
void refuse_earlier_batch(const std::string& output_path, const std::string& journal_path);

} // namespace oneai::cli
