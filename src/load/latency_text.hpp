#pragma once
// Latencies for people: "75us", "850.2ms", "1.234s", with about four
// significant digits, the same in summaries, thresholds and comparisons.

#include <string>

namespace oneai::load {

std::string latency_text(double micros);

} // namespace oneai::load
