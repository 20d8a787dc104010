#pragma once
// Independent generators from one seed. Each kind of random decision (task
// latencies, request faults, task failures) draws from a generator of its
// own, so that a new draw of one kind never moves the outcomes of another: a
// seeded fault keeps hitting the same request when latencies change.

#include <cstdint>
#include <random>

namespace oneai::emulator::detail {

enum class random_stream : std::uint64_t { latency = 0, request_faults = 1, task_failures = 2 };

/// A generator for `stream`, seeded from `seed`. The latency stream is seeded
/// with `seed` itself (as before faults had streams of their own).
inline std::mt19937_64 random_generator(std::uint64_t seed, random_stream stream) {
    if (stream == random_stream::latency)
        return std::mt19937_64(seed);
    // Mixed through a seed sequence, not seed + k: nearby seeds of
    // mt19937_64 start with correlated outputs.
    std::seed_seq mixed{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                        static_cast<std::uint32_t>(stream)};
    return std::mt19937_64(mixed);
}

} // namespace oneai::emulator::detail
