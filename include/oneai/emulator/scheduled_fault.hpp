#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace oneai::emulator {

/// A fault injected into one request named by its position, not drawn at
/// random: "reset the first POST", "answer the third GET with 503". Tests name
/// the request they mean, so no seed or change elsewhere can move the fault.
struct scheduled_fault {
    /// What happens to the request.
    enum class effect : std::uint8_t {
        reset,    ///< processed, then the connection is reset (the answer is lost)
        slow,     ///< processed, answered after fault_config::slow_delay
        http_429, ///< refused with 429 / 60009 (with Retry-After when configured)
        http_500, ///< answered 500 / 50000 without being processed
        http_503, ///< answered 503 / 50002 without being processed
    };
    /// Which requests are counted.
    enum class request_kind : std::uint8_t {
        any,  ///< every authenticated API request
        post, ///< submits, sync runs and uploads
        get,  ///< task status requests
    };

    effect what = effect::reset;         ///< what happens to the request
    request_kind of = request_kind::any; ///< which requests are counted
    /// 1 for the first request of that kind since the server started.
    std::uint64_t nth = 1;

    /// Reads `FAULT:KIND#N` (`reset:post#1`, `503:get#3`) or `FAULT:first-KIND`
    /// (`reset:first-post`), with FAULT one of reset, slow, 429, 500, 503 and
    /// KIND one of post, get, any. Throws std::invalid_argument naming the bad part.
    static scheduled_fault parse(std::string_view spec);
    /// The `FAULT:KIND#N` form.
    std::string to_string() const;

    /// The same fault on the same request.
    friend bool operator==(const scheduled_fault&, const scheduled_fault&) = default;
};

} // namespace oneai::emulator
