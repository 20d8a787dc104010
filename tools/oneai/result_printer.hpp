#pragma once
// How `oneai` shows results and task statuses to people, and as JSON.

#include <oneai/result.hpp>
#include <oneai/task_status.hpp>

#include <ostream>

namespace oneai::cli {

/// The summary first (when there is one), then each output's text and its
/// labels grouped by skill.
void print_readable(std::ostream& out, const result& r);
void print_json(std::ostream& out, const result& r);
void print_status(std::ostream& out, const task_status& s, bool json);

} // namespace oneai::cli
