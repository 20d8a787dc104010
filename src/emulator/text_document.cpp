#include "text_document.hpp"

#include <cctype>

namespace oneai::emulator::detail {
namespace {

bool is_space(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool is_word_char(char c) {
    auto u = static_cast<unsigned char>(c);
    // Bytes >= 0x80 belong to UTF-8 letters: treat them as word characters.
    return std::isalnum(u) != 0 || c == '\'' || c == '-' || u >= 0x80;
}

} // namespace

text_document text_document::article(std::string text) {
    text_document doc;
    doc.utterances_.push_back(utterance{std::move(text), {}, {}, false});
    doc.flatten();
    return doc;
}

text_document text_document::conversation(std::vector<utterance> utterances) {
    text_document doc;
    doc.utterances_ = std::move(utterances);
    doc.conversation_ = true;
    doc.flatten();
    return doc;
}

void text_document::flatten() {
    flat_.clear();
    offsets_.clear();
    if (!conversation_) {
        flat_ = utterances_.empty() ? std::string{} : utterances_.front().text;
        offsets_.push_back(0);
        return;
    }
    for (const auto& u : utterances_) {
        if (!u.timestamp.empty())
            flat_ += "[" + u.timestamp + "] ";
        flat_ += u.speaker + ":\n";
        offsets_.push_back(flat_.size());
        flat_ += u.text;
        flat_ += "\n\n";
    }
}

std::string_view text_document::slice(const text_range& r) const {
    std::string_view text = utterances_.at(r.section).text;
    return text.substr(r.start, r.end - r.start);
}

std::size_t text_document::word_count() const {
    std::size_t words = 0;
    for (const auto& u : utterances_)
        words += split_words(u.text).size();
    return words;
}

std::vector<std::pair<std::size_t, std::size_t>> split_sentences(std::string_view text) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        while (i < n && is_space(text[i]))
            ++i;
        if (i == n)
            break;
        std::size_t start = i;
        std::size_t end = n;
        for (; i < n; ++i) {
            char c = text[i];
            if ((c == '.' || c == '!' || c == '?') && (i + 1 == n || is_space(text[i + 1]))) {
                end = i + 1;
                ++i;
                break;
            }
            if (c == '\n' && i + 1 < n && text[i + 1] == '\n') { // paragraph break
                end = i;
                break;
            }
        }
        if (end == n)
            i = n;
        while (end > start && is_space(text[end - 1]))
            --end;
        if (end > start)
            out.emplace_back(start, end);
    }
    return out;
}

std::vector<std::pair<std::size_t, std::size_t>> split_words(std::string_view text) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        while (i < n && !is_word_char(text[i]))
            ++i;
        std::size_t start = i;
        while (i < n && is_word_char(text[i]))
            ++i;
        // Trim apostrophes and hyphens that only wrap the word ('quoted', -dash-).
        std::size_t s = start, e = i;
        while (s < e && (text[s] == '\'' || text[s] == '-'))
            ++s;
        while (e > s && (text[e - 1] == '\'' || text[e - 1] == '-'))
            --e;
        if (e > s)
            out.emplace_back(s, e);
    }
    return out;
}

bool is_capitalised(std::string_view word) {
    return !word.empty() && std::isupper(static_cast<unsigned char>(word.front())) != 0;
}

std::string to_lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace oneai::emulator::detail
