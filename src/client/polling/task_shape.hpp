#pragma once
// The shape of a task for the service-time model: its pipeline and its size.

#include "service_time_model.hpp"

#include <oneai/input.hpp>
#include <oneai/pipeline.hpp>

namespace oneai::detail {

/// A fingerprint of what decides the pipeline's work (steps and parameters).
std::uint64_t pipeline_fingerprint(const pipeline& p);

/// Words of text or conversation; bytes of a file (in a model of its own:
/// the fingerprint is marked); 0 for a URL, whose size is unknown.
task_shape shape_of(std::uint64_t pipeline_fingerprint, const input& in);

} // namespace oneai::detail
