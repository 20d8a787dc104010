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

/// Where new ids come from. By default the operating system's CSPRNG
/// (getrandom), so that nobody can guess a task's id from the ids they were
/// given; with a seed, a generator that repeats the same ids run after run.
class task_id_source {
  public:
    task_id_source() = default;
    explicit task_id_source(std::uint64_t seed) : seeded_(std::in_place, seed) {}

    task_id next();

  private:
    void refill();

    std::optional<std::mt19937_64> seeded_;
    // Random bytes fetched a few kilobytes at a time: one system call per 256 ids.
    std::array<std::uint8_t, 4096> pool_{};
    std::size_t pool_used_ = pool_.size();
};

struct task_id_hash {
    std::size_t operator()(const task_id& id) const noexcept;
};

} // namespace oneai::emulator::detail
