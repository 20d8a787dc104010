#pragma once
// FNV-1a, 64 bits: a fast fingerprint of input lines and pipelines for the
// batch journal, to notice edits between runs (not a defence against forgery).

#include <cstdint>
#include <string_view>

namespace oneai::common {

constexpr std::uint64_t fnv1a64(std::string_view bytes) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

} // namespace oneai::common
