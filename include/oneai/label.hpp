#pragma once
// One label of a pipeline output: what a skill found, and where.

#include <cstddef>
#include <oneai/config.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace oneai {

struct ONEAI_API label {
    struct section_span {
        std::size_t section = 0; // the utterance it lies in
        std::size_t start = 0;
        std::size_t end = 0;
    };

    std::string type;  // e.g. keyword, name, emotion
    std::string skill; // the producing skill's API name ("origin" for summary origins)
    std::string name;  // e.g. PERSON, happiness
    std::variant<std::monostate, std::string, double> value;
    /// Into the flattened text of the output; absent for labels about the whole text.
    std::optional<std::pair<std::size_t, std::size_t>> span;
    std::string span_text;
    std::vector<section_span> output_spans;
    std::vector<section_span> input_spans;
    std::optional<std::string> speaker;
    std::optional<std::string> timestamp; // HH:MM:SS.mmm, audio only
    std::optional<std::string> timestamp_end;
    /// The `data` object as JSON text (e.g. {"type":"CITY"}); empty when null.
    std::string data_json;

    /// The value as text (numbers formatted), empty when there is none.
    std::string value_text() const;
};

} // namespace oneai
