#pragma once

#include <array>
#include <oneai/config.hpp>
#include <optional>
#include <string_view>

namespace oneai::load {

/// The latencies a load report keeps a histogram of: end to end, and its parts.
enum class latency_kind {
    end_to_end, ///< from the intended start to the poll that saw the task finished
    submit,     ///< the submit's round trip
    queue,      ///< the service's queue wait
    run,        ///< the service's run time
    detection   ///< from the service's completion to the poll that saw it
};

/// Every latency_kind, in the order of the enum.
inline constexpr std::array<latency_kind, 5> all_latency_kinds{
    latency_kind::end_to_end, latency_kind::submit, latency_kind::queue, latency_kind::run,
    latency_kind::detection};

/// "end_to_end", "submit", "queue", "run", "detection": the names of the report's JSON.
ONEAI_API std::string_view name(latency_kind k) noexcept;
/// The kind of a name, nullopt for an unknown one.
ONEAI_API std::optional<latency_kind> latency_kind_named(std::string_view name) noexcept;

} // namespace oneai::load
