#pragma once
// The text a finished `oneai bench` run prints: the target and achieved rates
// and how far behind schedule the generator fell, the task counts and errors,
// a percentile table per latency kind, polls per task and the generator's lag.

#include <string>

namespace oneai::load {

class load_report;

/// Several lines, each ending with '\n'.
std::string summary_text(const load_report& report);

} // namespace oneai::load
