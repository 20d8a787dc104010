#include "printable_text.hpp"

#include <cstdint>
#include <cstdio>

namespace oneai::common {
namespace {

// The length of the well-formed UTF-8 sequence at `s` (1 to 4) and its code
// point, or 0 when the bytes there are not UTF-8 (a stray continuation byte,
// an overlong form, a surrogate, a sequence cut short).
std::size_t utf8_sequence(std::string_view s, char32_t& cp) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char lead = byte(0);
    std::size_t n;
    char32_t least;
    if (lead < 0x80) {
        cp = lead;
        return 1;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
        n = 2, cp = lead & 0x1f, least = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        n = 3, cp = lead & 0x0f, least = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        n = 4, cp = lead & 0x07, least = 0x10000;
    } else {
        return 0;
    }
    if (s.size() < n)
        return 0;
    for (std::size_t i = 1; i < n; ++i) {
        if ((byte(i) & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (byte(i) & 0x3f);
    }
    if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

bool is_format_control(char32_t cp) {
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void append_escaped(std::string& out, const char* format, unsigned value) {
    char escaped[8];
    std::snprintf(escaped, sizeof escaped, format, value);
    out += escaped;
}

} // namespace

std::string printable_text(std::string_view text, line_breaks breaks) {
    std::string out;
    out.reserve(text.size());
    const bool keep = breaks == line_breaks::keep;
    while (!text.empty()) {
        char32_t cp = 0;
        const std::size_t n = utf8_sequence(text, cp);
        if (n == 0) {
            append_escaped(out, "\\x%02x", static_cast<unsigned char>(text[0]));
            text.remove_prefix(1);
            continue;
        }
        if (cp == '\\')
            out += keep ? "\\" : "\\\\";
        else if (cp == '\n')
            out += keep ? "\n" : "\\n";
        else if (cp == '\t')
            out += keep ? "\t" : "\\t";
        else if (cp == '\r')
            out += "\\r";
        else if (cp < 0x20 || cp == 0x7f)
            append_escaped(out, "\\x%02x", static_cast<unsigned>(cp));
        else if (is_format_control(cp))
            append_escaped(out, "\\u%04x", static_cast<unsigned>(cp));
        else
            out.append(text.data(), n);
        text.remove_prefix(n);
    }
    return out;
}

} // namespace oneai::common
