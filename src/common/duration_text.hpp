#pragma once
// Human durations for flags and policies, shared by the emulator and the client: "250ms", "2s",
// "1.5s", "3m", "500us", "1h".

#include <chrono>
#include <string>
#include <string_view>

namespace oneai::common {

/// Throws std::invalid_argument naming the text when it is not a duration.
std::chrono::microseconds parse_duration(std::string_view text);

/// The value of a duration flag (--timeout, --ttl, ...): a duration as above, or a bare
/// number, which is seconds as curl, wget and timeout(1) read it ("3" = 3s, "1.5" = 1.5s).
std::chrono::microseconds parse_duration_or_seconds(std::string_view text);

/// The shortest exact form: "200ms", "2s", "1500us".
std::string format_duration(std::chrono::microseconds d);

} // namespace oneai::common
