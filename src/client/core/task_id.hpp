#pragma once
// What the client accepts as a task id. The API hands out UUIDs; an id goes
// into a URL path, the batch journal and output lines, so anything else (a
// control character, a slash, "..") is refused where the id enters the
// client, never escaped later. Case is kept: ids are otherwise opaque.

#include <string_view>

namespace oneai::detail {

/// True for the canonical textual UUID form: 8-4-4-4-12 hex digits, any case.
bool is_task_id(std::string_view id) noexcept;

} // namespace oneai::detail
