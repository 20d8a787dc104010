#pragma once
// The service reports times as naive UTC text ("2022-08-21T09:15:39.007000").

#include <string>

namespace oneai::detail {

/// Milliseconds from `from` to `to`, two of the service's times; 0 when either
/// does not parse or the span is negative.
double server_span_ms(const std::string& from, const std::string& to);

} // namespace oneai::detail
