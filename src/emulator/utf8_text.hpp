#pragma once
// UTF-8 checks for text that reaches a JSON answer. Boost.JSON writes string
// bytes as they are, so a stray byte from an upload, a decoded base64 input or a
// percent-decoded URL would make the answer invalid JSON: text inputs are
// refused when they are not UTF-8, and what is left (text pulled out of a PDF,
// a path echoed in an error) has its bad bytes replaced with U+FFFD.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace oneai::emulator::detail {

/// Length of the well-formed UTF-8 sequence at the start of `text` (RFC 3629:
/// no overlong forms, no surrogates, nothing above U+10FFFF), or 0 when the
/// bytes there are not one.
inline std::size_t utf8_sequence_length(std::string_view text) noexcept {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF; // the range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0)
            low = 0xA0; // overlong
        if (lead == 0xED)
            high = 0x9F; // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0)
            low = 0x90; // overlong
        if (lead == 0xF4)
            high = 0x8F; // above U+10FFFF
    } else {
        return 0;
    }
    if (text.size() < length || byte(1) < low || byte(1) > high)
        return 0;
    for (std::size_t i = 2; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80)
            return 0;
    }
    return length;
}

/// The offset of the first byte that does not start a well-formed sequence.
inline std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) { // the common case, kept cheap
            ++i;
            continue;
        }
        const std::size_t n = utf8_sequence_length(text.substr(i));
        if (n == 0)
            return i;
        i += n;
    }
    return std::nullopt;
}

/// `text` with every byte that is not part of a well-formed sequence replaced
/// by U+FFFD.
inline std::string replace_invalid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8_sequence_length(text.substr(i));
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

} // namespace oneai::emulator::detail
