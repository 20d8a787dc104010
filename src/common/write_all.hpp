#pragma once
// Writes a whole record to a file descriptor with write(2), retrying on EINTR
// and short writes. Journals and outcome files use it so that a process killed
// at any moment leaves the kernel whole records (at most a torn last one).

#include <string_view>

namespace oneai::common {

/// Throws std::runtime_error "cannot write the <what>: <reason>".
void write_all(int fd, std::string_view bytes, std::string_view what);

} // namespace oneai::common
