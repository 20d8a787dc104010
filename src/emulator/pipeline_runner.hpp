#pragma once
// Runs a validated pipeline over its input and writes the result object in
// either shape (docs/api.md, "Result shapes"): `output_type:"json"`
// (input/contents) or the legacy one (input_text/text).

#include "pipeline_request.hpp"

#include <boost/json/object.hpp>

#include <cstddef>

namespace oneai::emulator::detail {

/// The queue state a task saw, reported in the result's `stats`.
struct queue_snapshot {
    double concurrency_wait_seconds = 0;
    std::size_t running_jobs = 0;
    std::size_t waiting_jobs = 0;
};

struct pipeline_outcome {
    boost::json::object result;
    std::size_t input_words = 0;
    double media_seconds = 0; // transcribed audio, for x-oneai-transcribe-seconds-count
};

/// Throws api_failure when processing fails (a URL that cannot be fetched,
/// audio that cannot be transcribed, ...).
pipeline_outcome run_pipeline(const pipeline_request& request, const queue_snapshot& queue);

/// What runs a task's pipeline: run_pipeline, or a stand-in a test makes fail.
using pipeline_function = pipeline_outcome (*)(const pipeline_request&, const queue_snapshot&);

} // namespace oneai::emulator::detail
