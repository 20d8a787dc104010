#include "duration_text.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace oneai::common {

std::chrono::microseconds parse_duration(std::string_view text) {
    auto fail = [&](const char* why) {
        throw std::invalid_argument("bad duration '" + std::string(text) + "': " + why +
                                    " (examples: 250ms, 2s, 1.5s, 3m)");
    };
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end == text.data())
        fail("expected a number");
    if (value < 0 || !std::isfinite(value))
        fail("must be a non-negative number");
    std::string_view unit(end, text.data() + text.size() - end);
    double micros_per_unit = 0;
    if (unit == "us")
        micros_per_unit = 1;
    else if (unit == "ms")
        micros_per_unit = 1e3;
    else if (unit == "s")
        micros_per_unit = 1e6;
    else if (unit == "m" || unit == "min")
        micros_per_unit = 60e6;
    else if (unit == "h")
        micros_per_unit = 3600e6;
    else
        fail("expected a unit of us, ms, s, m or h");
    double micros = value * micros_per_unit;
    if (micros > 1e15)
        fail("too large");
    return std::chrono::microseconds{static_cast<long long>(std::llround(micros))};
}

std::chrono::microseconds parse_duration_or_seconds(std::string_view text) {
    double number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (!text.empty() && ec == std::errc{} && end == text.data() + text.size())
        return parse_duration(std::string(text) + "s"); // a bare number (3, 1.5, 1e3)
    return parse_duration(text);
}

std::string format_duration(std::chrono::microseconds d) {
    auto us = d.count();
    if (us != 0 && us % 3'600'000'000LL == 0)
        return std::to_string(us / 3'600'000'000LL) + "h";
    if (us != 0 && us % 1'000'000 == 0)
        return std::to_string(us / 1'000'000) + "s";
    if (us % 1000 == 0)
        return std::to_string(us / 1000) + "ms";
    return std::to_string(us) + "us";
}

} // namespace oneai::common
