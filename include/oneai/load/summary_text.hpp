#pragma once

#include <oneai/config.hpp>
#include <string>

namespace oneai::load {

class load_report;

/// The text a finished `oneai bench` run prints: the target and achieved rates
/// and how far behind schedule the generator fell, the task counts and errors,
/// a percentile table per latency kind, polls per task and the generator's lag.
/// Several lines, each ending with a newline.
ONEAI_API std::string summary_text(const load_report& report);

} // namespace oneai::load
