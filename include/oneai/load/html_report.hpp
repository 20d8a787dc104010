#pragma once

#include <oneai/config.hpp>
#include <string>

namespace oneai::load {

class load_report;

/// The page of `oneai bench --html`: one self-contained HTML document (no
/// network: inline SVG drawn by inline JavaScript) with four plots of a load
/// report: the latency percentile distribution on a log axis, latency over
/// time, throughput and tasks in flight over time, and end to end split into
/// submit, queue, run and detection. The report itself is embedded as JSON.
ONEAI_API std::string render_html(const load_report& report);

} // namespace oneai::load
