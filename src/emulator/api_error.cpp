#include "api_error.hpp"

#include <array>

namespace oneai::emulator::detail {
namespace {

struct catalogue_entry {
    int code;
    unsigned http_status;
    const char* message;
};

// Messages are the documented ones, typos included (40011), because clients
// may match on them.
constexpr std::array catalogue = {
    catalogue_entry{40001, 400, "Language not supported"},
    catalogue_entry{40002, 400, "The input text is empty"},
    catalogue_entry{40003, 400, "Invalid input type for skill"},
    catalogue_entry{40004, 400, "Failed to parse the conversation"},
    catalogue_entry{40005, 400, "Input type not supported"},
    catalogue_entry{40006, 400, "No channels in the audio file"},
    catalogue_entry{40007, 400, "HTML input requires an HTML-to-text preprocessing skill"},
    catalogue_entry{40008, 400, "Failed to parse input"},
    catalogue_entry{40009, 400, "Input does not match the specified content type"},
    catalogue_entry{40010, 400, "VTT conversation parsing failed"},
    catalogue_entry{40011, 400, "Voice input requires `transcibe` skill"},
    catalogue_entry{40012, 400, "Failed to transcribe audio"},
    catalogue_entry{60001, 401, "Missing API key header"},
    catalogue_entry{60002, 401, "API key not found"},
    catalogue_entry{60003, 403, "Daily API key quota exceeded"},
    catalogue_entry{60004, 403, "Monthly API key quota exceeded"},
    catalogue_entry{60005, 403, "Daily organization quota exceeded"},
    catalogue_entry{60006, 403, "Monthly organization quota exceeded"},
    catalogue_entry{60007, 403, "The API key is expired"},
    catalogue_entry{60008, 403, "Skill not allowed"},
    catalogue_entry{60009, 429, "Exceeded the allowed number of concurrent connections"},
    catalogue_entry{60010, 403, "Organization suspended"},
    catalogue_entry{60011, 403, "Transcription quota exceeded"},
    catalogue_entry{50000, 500, "Server error"},
    catalogue_entry{50001, 500, "Failed to retrieve URL"},
    catalogue_entry{50002, 503, "The service is temporarily overloaded"},
    catalogue_entry{50003, 500, "Failed to connect to the API endpoint"},
    catalogue_entry{50004, 500, "Health check failed"},
    catalogue_entry{50005, 500, "Analytics cluster request error"},
    catalogue_entry{emulator_codes::task_not_found, 404, "Task not found"},
    catalogue_entry{emulator_codes::route_not_found, 404, "Not found"},
    catalogue_entry{emulator_codes::method_not_allowed, 405, "Method not allowed"},
    catalogue_entry{emulator_codes::malformed_http, 400, "Malformed HTTP request"},
    catalogue_entry{emulator_codes::body_too_large, 413, "Request body too large"},
    catalogue_entry{emulator_codes::headers_too_large, 431, "Request headers too large"},
};

} // namespace

api_error make_api_error(int code, std::string details) {
    for (const auto& entry : catalogue) {
        if (entry.code == code)
            return {entry.http_status, code, entry.message, std::move(details)};
    }
    return {500, code, "Server error", std::move(details)};
}

} // namespace oneai::emulator::detail
