#pragma once
// Reads the API's answers: submit answers, task statuses, results (both
// shapes) and error bodies. Unknown fields are ignored; a missing required
// field is a bad_response.

#include <oneai/diagnostics.hpp>
#include <oneai/result.hpp>
#include <oneai/task_status.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace oneai::detail {

/// The task id of a submit answer; nullopt when the answer has none.
std::optional<std::string> parse_submit_answer(const boost::json::value& body);
/// Throws std::runtime_error when `body` is not a task status.
task_status parse_task_status(const boost::json::value& body);
/// Throws std::runtime_error when `body` is not a pipeline result.
result parse_result(const boost::json::value& body);
/// Copies an error body's fields into `diag` (leaves it alone when it is not one).
void read_error_body(std::string_view body, diagnostics& diag);
/// Parses JSON; nullopt (and the reason in `why`) when it is not JSON.
std::optional<boost::json::value> parse_json(std::string_view text, std::string& why);

} // namespace oneai::detail
