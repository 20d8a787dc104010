#include <oneai/emulator/scheduled_fault.hpp>

#include <array>
#include <charconv>
#include <stdexcept>
#include <utility>

namespace oneai::emulator {
namespace {

using effect = scheduled_fault::effect;
using request_kind = scheduled_fault::request_kind;

constexpr std::array<std::pair<std::string_view, effect>, 5> effects = {{
    {"reset", effect::reset},
    {"slow", effect::slow},
    {"429", effect::http_429},
    {"500", effect::http_500},
    {"503", effect::http_503},
}};

constexpr std::array<std::pair<std::string_view, request_kind>, 3> kinds = {{
    {"any", request_kind::any},
    {"post", request_kind::post},
    {"get", request_kind::get},
}};

[[noreturn]] void fail(std::string_view spec, const std::string& why) {
    throw std::invalid_argument("fault '" + std::string(spec) + "': " + why +
                                " (FAULT:KIND#N or FAULT:first-KIND, FAULT one of reset, slow, "
                                "429, 500, 503, KIND one of post, get, any)");
}

request_kind kind_named(std::string_view spec, std::string_view name) {
    for (const auto& [text, kind] : kinds)
        if (text == name)
            return kind;
    fail(spec, "unknown request kind '" + std::string(name) + "'");
}

} // namespace

scheduled_fault scheduled_fault::parse(std::string_view spec) {
    const auto colon = spec.find(':');
    if (colon == std::string_view::npos)
        fail(spec, "no ':' between the fault and the request");
    scheduled_fault out;
    const std::string_view fault = spec.substr(0, colon);
    bool known = false;
    for (const auto& [text, what] : effects)
        if (text == fault) {
            out.what = what;
            known = true;
        }
    if (!known)
        fail(spec, "unknown fault '" + std::string(fault) + "'");
    std::string_view which = spec.substr(colon + 1);
    if (which.starts_with("first-")) {
        out.of = kind_named(spec, which.substr(6));
        out.nth = 1;
        return out;
    }
    const auto hash = which.find('#');
    if (hash == std::string_view::npos)
        fail(spec, "no '#N' after the request kind");
    out.of = kind_named(spec, which.substr(0, hash));
    const std::string_view n = which.substr(hash + 1);
    auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), out.nth);
    if (ec != std::errc{} || end != n.data() + n.size() || out.nth == 0)
        fail(spec, "N must be a whole number from 1");
    return out;
}

std::string scheduled_fault::to_string() const {
    std::string out;
    for (const auto& [text, w] : effects)
        if (w == what)
            out = text;
    out += ':';
    for (const auto& [text, k] : kinds)
        if (k == of)
            out += text;
    return out + '#' + std::to_string(nth);
}

} // namespace oneai::emulator
