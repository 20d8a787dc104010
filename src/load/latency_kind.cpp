#include <oneai/load/latency_kind.hpp>

namespace oneai::load {

std::string_view name(latency_kind k) noexcept {
    switch (k) {
    case latency_kind::end_to_end:
        return "end_to_end";
    case latency_kind::submit:
        return "submit";
    case latency_kind::queue:
        return "queue";
    case latency_kind::run:
        return "run";
    case latency_kind::detection:
        return "detection";
    }
    return "unknown";
}

std::optional<latency_kind> latency_kind_named(std::string_view wanted) noexcept {
    for (latency_kind k : all_latency_kinds)
        if (name(k) == wanted)
            return k;
    return std::nullopt;
}

} // namespace oneai::load
