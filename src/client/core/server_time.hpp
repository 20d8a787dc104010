#pragma once
// The service reports times as naive UTC text ("2022-08-21T09:15:39.007000").

#include <cstdint>
#include <optional>
#include <string>

namespace oneai::detail {

/// Milliseconds from `from` to `to`, two of the service's times; 0 when either
/// does not parse or the span is negative.
double server_span_ms(const std::string& from, const std::string& to);

/// One of the service's times as microseconds since the Unix epoch (UTC), for
/// comparing it with the client's clock; nullopt when it does not parse.
std::optional<std::int64_t> server_time_unix_us(const std::string& t);

} // namespace oneai::detail
