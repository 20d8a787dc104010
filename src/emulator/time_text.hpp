#pragma once
// Timestamps as the API writes them: naive UTC ISO-8601 with six fraction
// digits ("2022-08-21T09:15:39.007000"), media offsets as HH:MM:SS.mmm, and
// the three HTTP-date forms of RFC 9110 (for Retry-After).

#include <oneai/emulator/config.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace oneai::emulator::detail {

/// `unix_micros` is microseconds since the epoch (UTC).
std::string format_iso_utc(std::int64_t unix_micros);
std::int64_t unix_micros_now();

/// `unix_seconds` as an HTTP-date in `form` (IMF-fixdate, RFC 850 or asctime;
/// `seconds` is not a date and gives IMF-fixdate).
std::string format_http_date(std::int64_t unix_seconds, config::retry_after_format form);

/// Formats an offset into a recording as `HH:MM:SS.mmm`.
std::string format_media_offset(std::chrono::milliseconds offset);
/// Reads `S`, `M:S`, `H:M:S`, each with optional `.fraction`; nullopt otherwise.
std::optional<std::chrono::milliseconds> parse_media_offset(std::string_view text);

} // namespace oneai::emulator::detail
