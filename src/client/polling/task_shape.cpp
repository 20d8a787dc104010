#include "task_shape.hpp"

#include "client/core/request_codec.hpp"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <type_traits>

namespace oneai::detail {
namespace {

std::uint32_t words(std::string_view text) {
    std::uint32_t count = 0;
    bool in_word = false;
    for (unsigned char c : text) {
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        count += !space && !in_word;
        in_word = !space;
    }
    return count;
}

} // namespace

// FNV-1a over the pipeline's parts, each followed by a separator: computed
// for every run, so without building its JSON.
std::uint64_t pipeline_fingerprint(const pipeline& p) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    auto mix = [&h](std::string_view bytes) {
        for (unsigned char c : bytes) {
            h ^= c;
            h *= 0x100000001b3ull;
        }
        h ^= 0xff; // the separator: "ab"+"c" differs from "a"+"bc"
        h *= 0x100000001b3ull;
    };
    mix(p.is_multilingual() ? "m" : "-");
    mix(p.input_type_override());
    for (const auto& s : p.steps()) {
        mix(s.skill);
        mix(s.params_json);
        for (const auto& [name, value] : s.params) {
            mix(name);
            std::visit(
                [&](const auto& v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, std::string>) {
                        mix(v);
                    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                        for (const auto& e : v)
                            mix(e);
                    } else {
                        mix(std::string_view(reinterpret_cast<const char*>(&v), sizeof v));
                    }
                },
                value);
        }
    }
    return h | 2u; // never 0 (unknown)
}

task_shape shape_of(std::uint64_t fingerprint, const input& in) {
    return std::visit(
        [&](const auto& i) -> task_shape {
            using T = std::decay_t<decltype(i)>;
            if constexpr (std::is_same_v<T, text_input>) {
                return {fingerprint, words(i.text)};
            } else if constexpr (std::is_same_v<T, conversation_input>) {
                std::uint32_t n = 0;
                for (const auto& u : i.utterances)
                    n += words(u.text);
                return {fingerprint, n};
            } else if constexpr (std::is_same_v<T, file_input>) {
                std::error_code ec;
                const auto bytes = std::filesystem::file_size(i.path, ec);
                return {fingerprint ^ 1u, ec ? 0u
                                             : static_cast<std::uint32_t>(
                                                   std::min<std::uintmax_t>(bytes, UINT32_MAX))};
            } else {
                return {fingerprint, 0};
            }
        },
        in);
}

} // namespace oneai::detail
