#pragma once
// Timestamps as the API writes them: naive UTC ISO-8601 with six fraction
// digits ("2022-08-21T09:15:39.007000"), and media offsets as HH:MM:SS.mmm.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace oneai::emulator::detail {

/// `unix_micros` is microseconds since the epoch (UTC).
std::string format_iso_utc(std::int64_t unix_micros);
std::int64_t unix_micros_now();

/// Formats an offset into a recording as `HH:MM:SS.mmm`.
std::string format_media_offset(std::chrono::milliseconds offset);
/// Reads `S`, `M:S`, `H:M:S`, each with optional `.fraction`; nullopt otherwise.
std::optional<std::chrono::milliseconds> parse_media_offset(std::string_view text);

} // namespace oneai::emulator::detail
