#pragma once
// What a pipeline runs on: text, a URL the service downloads, a conversation,
// or a local file (uploaded, streamed from disk).

#include <filesystem>
#include <oneai/config.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace oneai {

struct text_input {
    std::string text{};
};

struct url_input {
    std::string url{};
};

struct utterance {
    std::string speaker{};
    std::string text{};
    /// As the API writes it ("00:01:05.000"); absent for plain text.
    std::optional<std::string> timestamp{};
};

struct conversation_input {
    std::vector<utterance> utterances{};
};

struct file_input {
    std::filesystem::path path{};
    /// Empty: guessed from the extension (see guess_content_type).
    std::string content_type{};
};

using input = std::variant<text_input, url_input, conversation_input, file_input>;

/// The content type the official SDKs send for a file extension: .txt, .html
/// text/plain; .json application/json; .srt text/plain; .wav audio/wav; .mp3
/// audio/mp3; .mp4 audio/mpeg; .pdf text/pdf; .csv text/csv. Empty when unknown.
ONEAI_API std::string guess_content_type(const std::filesystem::path& path);

/// Whether the service treats a file of this type as a conversation (audio,
/// conversation JSON, subtitles) rather than an article.
ONEAI_API bool is_conversation_content(const std::filesystem::path& path,
                                       const std::string& content_type);

} // namespace oneai
