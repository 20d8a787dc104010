#pragma once
// Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP-date.

#include <chrono>
#include <optional>
#include <string_view>

namespace oneai::detail {

/// The delay a Retry-After value asks for, relative to `now` for dates (a date
/// in the past means 0; IMF-fixdate, RFC 850 and asctime dates are read).
/// nullopt when the value is none of these. Saturates at a year.
std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

/// The delay of a `retry-after-ms` header (milliseconds), saturating at a year.
std::optional<std::chrono::milliseconds> parse_retry_after_ms(std::string_view value);

} // namespace oneai::detail
