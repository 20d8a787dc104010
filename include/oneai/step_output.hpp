#pragma once

#include <oneai/config.hpp>
#include <oneai/input.hpp>
#include <oneai/label.hpp>

#include <string>
#include <vector>

namespace oneai {

/// The text one pipeline step produced (or the input), with the labels the
/// analyzers after it found. A plain value.
struct ONEAI_API step_output {
    std::string step_name; ///< "input" for the input text, else the generator's skill
    int step_id = 0;       ///< 0 for the input, else the 1-based index in steps
    /// The text: one utterance without a speaker for an article, else the
    /// conversation's utterances.
    std::vector<utterance> contents;
    std::vector<label> labels; ///< in the API's order

    /// True when the text is a conversation: more than one utterance, or one
    /// with a speaker.
    bool is_conversation() const;
    /// The text: the article, or the conversation flattened as the API does
    /// (`[timestamp] speaker:` then the text, per utterance); label spans
    /// count in it.
    std::string text() const;
    /// The labels produced by `skill` (its API name), pointing into `labels`:
    /// valid while this object lives and is not changed.
    std::vector<const label*> labels_of(std::string_view skill) const;
};

} // namespace oneai
