// Fuzzes the parsers of times and durations: the Retry-After header (delay
// seconds or an HTTP date, from any server), the human durations of flags
// and policies, and the service's naive UTC times the poll planner learns
// from. Each must refuse bad text and never give a negative delay.

#include "client/core/retry_after.hpp"
#include "client/core/server_time.hpp"
#include "common/duration_text.hpp"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

void retry_after(std::string_view text) {
    // A fixed "now" keeps runs reproducible.
    const auto now = std::chrono::system_clock::time_point{} + std::chrono::hours{24 * 365 * 55};
    if (auto delay = oneai::detail::parse_retry_after(text, now); delay && delay->count() < 0)
        std::abort();
}

void duration(std::string_view text) {
    std::chrono::microseconds d{};
    try {
        d = oneai::common::parse_duration(text);
    } catch (const std::invalid_argument&) {
        return;
    }
    if (d.count() < 0)
        std::abort();
    // What format_duration writes (in help and messages) must read back the same.
    if (oneai::common::parse_duration(oneai::common::format_duration(d)) != d)
        std::abort();
}

void server_times(std::string_view text) {
    // Two times in one input: split at the first newline.
    const auto cut = text.find('\n');
    const std::string from(text.substr(0, cut));
    const std::string to(cut == std::string_view::npos ? std::string_view{} : text.substr(cut + 1));
    if (oneai::detail::server_span_ms(from, to) < 0)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    retry_after(text);
    duration(text);
    server_times(text);
    return 0;
}
