#pragma once
// Text from a server, made safe to print on a terminal. A hostile or broken
// server's message, status, id or result could otherwise carry escape
// sequences that rewrite the screen, retitle the window or hide the lines
// around them, or bidirectional controls that show the text in another order.

#include <string>
#include <string_view>

namespace oneai::common {

/// Whether line breaks, tabs and backslashes are kept as they are (for a
/// result's text, printed as a block for people to read) or written out (for
/// one line that must not be mistaken).
enum class line_breaks { escape, keep };

/// `text` with every control written out: \n, \r and \t as such, other C0
/// controls and DEL as \xNN, C1 controls (U+0080 to U+009F) and the
/// bidirectional and invisible format characters (U+061C, U+200E, U+200F,
/// U+202A to U+202E, U+2066 to U+2069) as \uXXXX, bytes that are not UTF-8 as
/// \xNN, and a backslash as \\ so that what is shown cannot be mistaken.
/// Other UTF-8 passes unchanged.
std::string printable_text(std::string_view text, line_breaks breaks = line_breaks::escape);

} // namespace oneai::common
