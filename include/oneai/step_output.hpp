#pragma once
// The text one pipeline step produced (or the input), with its labels.

#include <oneai/config.hpp>
#include <oneai/input.hpp>
#include <oneai/label.hpp>

#include <string>
#include <vector>

namespace oneai {

struct ONEAI_API step_output {
    std::string step_name; // "input" for the input text, else the generator's skill
    int step_id = 0;       // 0 for the input, else the 1-based index in steps
    std::vector<utterance> contents;
    std::vector<label> labels;

    bool is_conversation() const;
    /// The text: the article, or the conversation flattened as the API does.
    std::string text() const;
    std::vector<const label*> labels_of(std::string_view skill) const;
};

} // namespace oneai
