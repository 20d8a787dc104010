#pragma once
// A validated pipeline request (docs/api.md, "The pipeline request"). Built
// from a JSON body (/pipeline, /async) or from the `pipeline` query plus a raw
// body (/file, /async/file).
// Validation throws api_failure with the documented code and a `details` that
// says what is wrong.

#include "text_document.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace oneai::emulator::detail {

enum class input_kind : std::uint8_t { text, url, conversation, audio, pdf, csv };

struct pipeline_step {
    std::string skill;
    boost::json::object params;
};

struct pipeline_request {
    input_kind kind = input_kind::text;
    std::string input;                   // text, URL or file bytes (not for conversations)
    std::vector<utterance> conversation; // kind == conversation
    std::string content_type;
    bool output_json = false;
    std::vector<pipeline_step> steps;
    boost::json::object csv_params;
};

/// What a task keeps of its request: the input bytes and the rest as compact
/// JSON. A few hundred bytes beyond the input, where a parsed request would
/// cost kilobytes; load_request() turns it back into a pipeline_request.
struct stored_request {
    std::string input;  // text, URL, decoded file bytes, or a conversation as JSON
    std::string fields; // the request object without input and encoding
    bool input_is_conversation_json = false;
};

/// Bounds on what one request may ask of the server.
struct request_limits {
    /// CSV rows processed (after skip_rows, within max_rows); beyond it 40008.
    std::size_t max_csv_rows = 100'000;
};

/// Validates a JSON request body. Throws api_failure.
stored_request parse_json_body(std::string_view body, const request_limits& limits = {});
/// Validates an upload: the URL-encoded `pipeline` query value (already decoded)
/// and the raw file bytes. Throws api_failure.
stored_request parse_upload(std::string_view pipeline_json, std::string body,
                            const request_limits& limits = {});
/// Rebuilds the request of a stored, already validated submission. Throws
/// api_failure if it is not valid (it always is when it came from the functions
/// above with the same limits).
pipeline_request load_request(const stored_request& stored, const request_limits& limits = {});

/// Number of words the request carries, used for latency and word-count headers.
std::size_t input_word_count(const stored_request& stored);

} // namespace oneai::emulator::detail
