#pragma once
// Reads the API's answers: submit answers, task statuses, results (both
// shapes) and error bodies. Unknown fields are ignored; a missing required
// field is a bad_response. Nothing here throws (but for memory): the typed
// decoding is result_conversion.hpp's, through boost::json::try_value_to.

#include <oneai/diagnostics.hpp>
#include <oneai/result.hpp>
#include <oneai/task_status.hpp>

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "result_decoding.hpp"

namespace oneai::detail {

/// The task id of a submit answer; nullopt when the answer has none.
std::optional<std::string> parse_submit_answer(const boost::json::value& body);
/// `body` read as a task status, or why not (a decode_error). `text`, when
/// given, is the JSON text `body` was parsed from: the result's raw JSON is
/// then cut from it rather than serialised again. Typed: the result's tree is
/// moved out of `body` into result::raw() (kept when `body`'s storage outlives
/// the call: see result::set_raw). text_only: the result keeps its text only.
boost::system::result<task_status> parse_task_status(boost::json::value&& body,
                                                     std::string_view text = {},
                                                     result_decoding how = result_decoding::typed);
/// `body` read as a pipeline result, or why not; the tree as parse_task_status.
boost::system::result<result> parse_result(boost::json::value&& body, std::string_view text = {},
                                           result_decoding how = result_decoding::typed);

/// A status answer's text read the cheapest way `how` allows: text_only tries
/// the tree-free scan first, and parses into a stack arena when it must;
/// typed parses into an arena the result then owns (raw() is that tree). An
/// answer that cannot be read is errc::bad_response, with why in `diag`.
boost::system::result<task_status> read_task_status(std::string_view text, result_decoding how,
                                                    diagnostics& diag);
/// A synchronous answer's text read as a typed result, as read_task_status.
boost::system::result<result> read_result(std::string_view text, diagnostics& diag);

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
