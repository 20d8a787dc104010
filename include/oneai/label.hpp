#pragma once

#include <cstddef>
#include <oneai/config.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace oneai {

/// One label of a pipeline output: what a skill found, and where (see
/// docs/api.md, "Labels"). A plain value.
struct ONEAI_API label {
    /// A range within one utterance (section) of a text.
    struct section_span {
        std::size_t section = 0; ///< the utterance it lies in (0-based)
        std::size_t start = 0;   ///< where it starts in that utterance's text
        std::size_t end = 0;     ///< where it ends (exclusive)
    };

    std::string type;  ///< e.g. keyword, name, emotion
    std::string skill; ///< the producing skill's API name ("origin" for summary origins)
    std::string name;  ///< e.g. PERSON, happiness
    /// A string, a number, or nothing (monostate) when the API wrote null.
    std::variant<std::monostate, std::string, double> value;
    /// Into the flattened text of the output; absent for labels about the whole text.
    std::optional<std::pair<std::size_t, std::size_t>> span;
    /// The labelled text itself; empty for labels about the whole text.
    std::string span_text;
    /// The same range as `span`, relative to one utterance of the output.
    std::vector<section_span> output_spans;
    /// For `origin` labels: where in the input a summary's sentence came from.
    std::vector<section_span> input_spans;
    std::optional<std::string> speaker;       ///< the utterance's speaker, in a conversation
    std::optional<std::string> timestamp;     ///< HH:MM:SS.mmm, audio only
    std::optional<std::string> timestamp_end; ///< HH:MM:SS.mmm, audio only
    /// The `data` object as JSON text (e.g. {"type":"CITY"}); empty when null.
    std::string data_json;

    /// The value as text (numbers formatted), empty when there is none.
    std::string value_text() const;
};

} // namespace oneai
