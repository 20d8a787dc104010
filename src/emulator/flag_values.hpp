#pragma once
// The values of the emulator's flags: numbers in a range, probabilities, sizes
// with K/M/G suffixes and durations, each refused with a message naming the flag.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace oneai::emulator {

/// A whole number from `low` to `high`. Throws std::invalid_argument.
std::uint64_t parse_whole_number(std::string_view flag, std::string_view text, std::uint64_t low,
                                 std::uint64_t high);
/// A number from 0 to 1.
double parse_probability(std::string_view flag, std::string_view text);
/// Bytes: 512, 16K, 32M, 1G (at least 1).
std::size_t parse_size(std::string_view flag, std::string_view text);
/// 250ms, 2s, 1h, or a bare number of seconds.
std::chrono::milliseconds parse_flag_duration(std::string_view flag, std::string_view text);

} // namespace oneai::emulator
