#pragma once
// The text a pipeline step works on: an article (one utterance without speaker)
// or a conversation (utterances with speaker and timestamp). Labels point into
// it two ways, as the API does: `span` into the flattened text, and
// `output_spans` relative to one utterance (its "section").

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace oneai::emulator::detail {

struct utterance {
    std::string text;
    std::string speaker;   // empty with has_speaker == false for articles
    std::string timestamp; // HH:MM:SS.mmm, or empty
    bool has_speaker = false;
};

/// A half-open range of characters inside one utterance.
struct text_range {
    std::size_t section = 0;
    std::size_t start = 0;
    std::size_t end = 0;
};

class text_document {
  public:
    static text_document article(std::string text);
    static text_document conversation(std::vector<utterance> utterances);

    bool is_conversation() const noexcept { return conversation_; }
    const std::vector<utterance>& utterances() const noexcept { return utterances_; }

    /// The flattened form: the article text, or `[ts] speaker:\ntext\n\n` per utterance.
    const std::string& flat_text() const noexcept { return flat_; }
    /// Where the text of utterance `section` starts inside flat_text().
    std::size_t flat_offset(std::size_t section) const { return offsets_.at(section); }
    std::string_view slice(const text_range& r) const;

    std::size_t word_count() const;

  private:
    void flatten();

    std::vector<utterance> utterances_;
    bool conversation_ = false;
    std::string flat_;
    std::vector<std::size_t> offsets_;
};

/// Sentences of `text`, split after . ! ? followed by white space (or the end),
/// trimmed of surrounding white space. Ranges refer to `text`.
std::vector<std::pair<std::size_t, std::size_t>> split_sentences(std::string_view text);

/// Words of `text`: maximal runs of letters, digits, apostrophes and hyphens.
std::vector<std::pair<std::size_t, std::size_t>> split_words(std::string_view text);

bool is_capitalised(std::string_view word);
std::string to_lower_ascii(std::string_view text);

} // namespace oneai::emulator::detail
