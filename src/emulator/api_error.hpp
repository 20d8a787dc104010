#pragma once
// The One AI error catalogue (docs/api.md, "Errors") plus the codes this emulator
// defines for HTTP-level problems the service never documented.

#include <string>

namespace oneai::emulator::detail {

struct api_error {
    unsigned http_status = 500;
    int code = 50000;
    std::string message;
    std::string details;
};

/// Codes the emulator defines itself: unknown tasks and the HTTP-level answers.
namespace emulator_codes {
inline constexpr int task_not_found = 40400;
inline constexpr int route_not_found = 40401;
inline constexpr int method_not_allowed = 40500;
inline constexpr int malformed_http = 40000;
inline constexpr int body_too_large = 41300;
inline constexpr int headers_too_large = 43100;
} // namespace emulator_codes

/// Builds the error for a catalogue code with its documented HTTP status and
/// message. Unknown codes become 500 with a generic message.
api_error make_api_error(int code, std::string details = {});

} // namespace oneai::emulator::detail
