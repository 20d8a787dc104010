#pragma once
// Reads a task status answer for callers that pass results on as text
// (result_decoding::text_only, as batches do), without building a JSON tree:
// one validating pass that keeps the few members it needs. Building the tree
// was the largest cost of a poll after the network itself.

#include <oneai/task_status.hpp>

#include <optional>
#include <string_view>

namespace oneai::detail {

/// What parse_task_status(parse(text), text, result_decoding::text_only)
/// gives, for the common answers: QUEUED, RUNNING and other unfinished states,
/// and COMPLETED with a result written on one line. nullopt for everything
/// else (not JSON, not a status, FAILED, a result to rewrite): the caller then
/// takes the tree path, which also explains what is wrong.
std::optional<task_status> scan_task_status(std::string_view text);

} // namespace oneai::detail
