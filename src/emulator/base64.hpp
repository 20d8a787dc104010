#pragma once
// Base64 (RFC 4648, standard alphabet) for `encoding: "base64"` file input.

#include <optional>
#include <string>
#include <string_view>

namespace oneai::emulator::detail {

/// nullopt when `text` is not base64 (white space is ignored, padding optional).
std::optional<std::string> decode_base64(std::string_view text);

} // namespace oneai::emulator::detail
