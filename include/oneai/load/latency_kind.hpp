#pragma once
// The latencies a load report keeps a histogram of: end to end, and its parts.

#include <array>
#include <optional>
#include <string_view>

namespace oneai::load {

enum class latency_kind { end_to_end, submit, queue, run, detection };

inline constexpr std::array<latency_kind, 5> all_latency_kinds{
    latency_kind::end_to_end, latency_kind::submit, latency_kind::queue, latency_kind::run,
    latency_kind::detection};

/// "end_to_end", "submit", "queue", "run", "detection": the names of the report's JSON.
std::string_view name(latency_kind k) noexcept;
/// The kind of a name, nullopt for an unknown one.
std::optional<latency_kind> latency_kind_named(std::string_view name) noexcept;

} // namespace oneai::load
