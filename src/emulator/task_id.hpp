#pragma once
// Task and request ids: random UUID v4 values, kept as 16 bytes (not 36
// characters) because the emulator stores a million of them.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace oneai::emulator::detail {

struct task_id {
    std::array<std::uint8_t, 16> bytes{};

    static task_id random(std::mt19937_64& rng);
    /// Accepts the canonical 8-4-4-4-12 lower- or upper-case hex form only.
    static std::optional<task_id> parse(std::string_view text);
    std::string to_string() const;

    friend bool operator==(const task_id&, const task_id&) = default;
};

struct task_id_hash {
    std::size_t operator()(const task_id& id) const noexcept;
};

} // namespace oneai::emulator::detail
