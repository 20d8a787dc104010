#pragma once
// Reads the API's answers: submit answers, task statuses, results (both
// shapes) and error bodies. Unknown fields are ignored; a missing required
// field is a bad_response.

#include <oneai/diagnostics.hpp>
#include <oneai/result.hpp>
#include <oneai/task_status.hpp>

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "result_decoding.hpp"

namespace oneai::detail {

/// The task id of a submit answer; nullopt when the answer has none.
std::optional<std::string> parse_submit_answer(const boost::json::value& body);
/// Throws std::runtime_error when `body` is not a task status.
/// `text`, when given, is the JSON text `body` was parsed from: the result's
/// raw JSON is then cut from it rather than serialised again.
task_status parse_task_status(const boost::json::value& body, std::string_view text = {},
                              result_decoding how = result_decoding::typed);
/// Throws std::runtime_error when `body` is not a pipeline result.
result parse_result(const boost::json::value& body, std::string_view text = {},
                    result_decoding how = result_decoding::typed);

/// The state a status text names (unknown for any other text).
task_state parse_task_state(std::string_view status_text);
/// `text` without surrounding blanks when it is JSON written on one line (a
/// JSON Lines record can hold it as it is); nullopt when empty or multi-line.
std::optional<std::string_view> one_line_json(std::string_view text);
/// The text of a top-level member's value in a valid JSON object's text (the
/// last, if the key repeats), or empty (absent, or a key written with escapes).
std::string_view member_text(std::string_view object_text, std::string_view key);
/// Copies an error body's fields into `diag` (leaves it alone when it is not one).
void read_error_body(std::string_view body, diagnostics& diag);
/// Parses JSON; nullopt (and the reason in `why`) when it is not JSON.
/// `storage`: where the tree lives (a caller's monotonic buffer spares the
/// allocations of a tree read once and dropped).
std::optional<boost::json::value> parse_json(std::string_view text, std::string& why,
                                             boost::json::storage_ptr storage = {});

} // namespace oneai::detail
