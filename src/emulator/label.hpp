#pragma once
// One label as skills produce it, before it is written out. Positions are kept
// as ranges inside utterances; `span`, `span_text` and `output_spans` are all
// derived from the same range when the label is serialised, so they can never
// disagree with the text they point into.

#include "text_document.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace oneai::emulator::detail {

struct label {
    std::string type;
    std::string skill;
    std::string name;
    std::variant<std::monostate, std::string, double> value;
    std::optional<text_range> range;     // into the document the label belongs to
    std::vector<text_range> input_spans; // into the pipeline's input (summarize origins)
    boost::json::object data;            // empty: written as null
    std::string timestamp;               // media offsets, audio only
    std::string timestamp_end;
};

/// Writes the API's label object; `doc` is the text the label's range points into.
boost::json::object label_to_json(const label& l, const text_document& doc);

} // namespace oneai::emulator::detail
