#pragma once
// The bash completion of `oneai` and `oneai-emulator`, made from the flags the
// parsers define, so that it never lists a flag that is gone or misses a new one.

#include <string>

namespace oneai::cli {

/// A script for bash: `source <(oneai --completion bash)`, or installed in
/// share/bash-completion/completions.
std::string bash_completion_script();

} // namespace oneai::cli
