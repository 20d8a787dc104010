#pragma once
// Walks over the sentences and words of every utterance of a document, and
// builds labels; the shared vocabulary of the skill stand-ins.

#include "../label.hpp"
#include "../text_document.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace oneai::emulator::detail::skills {

struct located_text {
    text_range range;
    std::string_view text;
};

std::vector<located_text> sentences_of(const text_document& doc);
std::vector<located_text> words_of(const text_document& doc);

/// Content words (not stop words, at least 4 letters) ranked by frequency,
/// ties broken by first appearance. Lower-case.
std::vector<std::pair<std::string, std::size_t>> ranked_keywords(const text_document& doc);

label make_label(std::string_view skill, std::string_view type, std::string_view name,
                 const located_text& where);
label make_unplaced_label(std::string_view skill, std::string_view type, std::string_view name,
                          std::string value);

/// A string parameter, or `fallback` when it is absent or not a string.
std::string string_param(const boost::json::object& params, std::string_view key,
                         std::string_view fallback);
bool bool_param(const boost::json::object& params, std::string_view key, bool fallback);
long long int_param(const boost::json::object& params, std::string_view key, long long fallback);

} // namespace oneai::emulator::detail::skills
