#pragma once
// Builds the HTTP requests of the API from a pipeline and an input.

#include <oneai/input.hpp>
#include <oneai/pipeline.hpp>

#include <string>

namespace oneai::detail {

struct encoded_request {
    std::string target_suffix;        // after the base path: "/async", "/async/file?pipeline=..."
    std::string json_body;            // for JSON requests
    const file_input* file = nullptr; // for uploads: the body is this file, streamed
};

/// `async`: the /async endpoints, else the sync ones. Throws std::invalid_argument
/// when a generic step's params are not a JSON object.
/// `steps`: the pipeline's steps as encode_steps writes them, when the caller
/// keeps them (empty: encoded here).
encoded_request encode_request(const pipeline& p, const input& in, bool async,
                               std::string_view steps = {});
/// The pipeline's steps as a JSON array. Throws std::invalid_argument as above.
std::string encode_steps(const pipeline& p);

/// What decides a pipeline's results, as canonical JSON: the steps with their
/// parameters, the multilingual flag and the forced input type (for journals).
std::string encode_pipeline_definition(const pipeline& p);

/// The request object without input (what the `pipeline` query carries).
std::string encode_pipeline_fields(const pipeline& p, const input& in);

} // namespace oneai::detail
