#include "flag_values.hpp"

#include "common/duration_text.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace oneai::emulator {
namespace {

template <typename Number>
Number parse_number(std::string_view flag, std::string_view text, Number low, Number high) {
    Number value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < low || value > high)
        throw std::invalid_argument(std::string(flag) + ": '" + std::string(text) +
                                    "' is not a number from " + std::to_string(low) + " to " +
                                    std::to_string(high));
    return value;
}

} // namespace

std::uint64_t parse_whole_number(std::string_view flag, std::string_view text, std::uint64_t low,
                                 std::uint64_t high) {
    return parse_number<std::uint64_t>(flag, text, low, high);
}

double parse_probability(std::string_view flag, std::string_view text) {
    return parse_number<double>(flag, text, 0.0, 1.0);
}

std::size_t parse_size(std::string_view flag, std::string_view text) {
    std::size_t multiplier = 1;
    if (!text.empty() && (text.back() == 'K' || text.back() == 'M' || text.back() == 'G')) {
        multiplier = text.back() == 'K'   ? 1024
                     : text.back() == 'M' ? 1024 * 1024
                                          : 1024 * 1024 * 1024;
        text.remove_suffix(1);
    }
    return parse_number<std::size_t>(flag, text, 1, std::size_t{1} << 40) * multiplier;
}

std::chrono::milliseconds parse_flag_duration(std::string_view flag, std::string_view text) {
    try {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            common::parse_duration_or_seconds(text));
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(flag) + ": " + e.what());
    }
}

} // namespace oneai::emulator
