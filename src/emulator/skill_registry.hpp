#pragma once
// The skills the emulator knows (docs/api.md, "Skills"), each a deterministic
// stand-in: same input, same output, with label shapes as the service's.

#include "label.hpp"
#include "text_document.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace oneai::emulator::detail {

struct pipeline_request;

enum class skill_kind : std::uint8_t {
    analyzer,  // adds labels to the current text
    generator, // produces a new text (an output[] entry of its own)
};

struct skill_call {
    const text_document& text; // the current text
    const boost::json::object& params;
    const pipeline_request& request; // content type, raw bytes for extractors
};

struct skill_output {
    std::optional<text_document> generated; // generators only
    std::vector<label> labels;              // on `generated` if set, else on the current text
    double media_seconds = 0;               // transcription length, for the usage header
};

using skill_function = skill_output (*)(const skill_call&);

struct skill_definition {
    std::string_view name;
    skill_kind kind;
    skill_function run;
};

const skill_definition* find_skill(std::string_view name);
std::span<const skill_definition> all_skills();

} // namespace oneai::emulator::detail
