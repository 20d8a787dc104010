#pragma once
// Lenient reads of one member of a JSON object, shared by the answer codec and
// the typed-result conversions: a member that is missing or of another type
// reads as the fallback, because the service omits members freely and a typed
// field must not fail a whole answer.

#include <boost/json/object.hpp>
#include <boost/system/error_code.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace oneai::detail {

inline std::string string_or(const boost::json::object& o, std::string_view key,
                             std::string fallback = {}) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::move(fallback);
}

inline std::optional<std::string> string_if(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::optional<std::string>(v->get_string()) : std::nullopt;
}

/// A number this type cannot hold exactly (1.5 for an int, 1e300) is as good
/// as absent.
template <typename T>
T number_or(const boost::json::object& o, std::string_view key, T fallback) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_number())
        return fallback;
    boost::system::error_code ec;
    const T n = v->to_number<T>(ec);
    return ec ? fallback : n;
}

} // namespace oneai::detail
