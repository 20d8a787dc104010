#pragma once
// Text from a server, made safe to print on a terminal. A hostile or broken
// server's message, status or id could otherwise carry escape sequences that
// rewrite the screen, retitle the window or hide the lines around them.

#include <string>
#include <string_view>

namespace oneai::common {

/// `text` with every control character written out: \n, \r and \t as such,
/// others (C0, DEL and the C1 range, U+0080 to U+009F) as \xNN or \u00NN, and
/// a backslash as \\ so that what is shown cannot be mistaken. Other UTF-8
/// passes unchanged.
std::string printable_text(std::string_view text);

} // namespace oneai::common
