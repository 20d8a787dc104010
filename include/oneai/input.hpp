#pragma once

#include <filesystem>
#include <oneai/config.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace oneai {

/// Text sent in the request, as an article (unless the pipeline says otherwise).
struct text_input {
    std::string text{}; ///< UTF-8 text
};

/// A web page or file the service downloads itself.
struct url_input {
    std::string url{}; ///< an http or https URL the service can reach
};

/// One turn of a conversation.
struct utterance {
    std::string speaker{}; ///< who speaks
    std::string text{};    ///< what is said
    /// As the API writes it ("00:01:05.000"); absent for plain text.
    std::optional<std::string> timestamp{};
};

/// A conversation, sent as the API's list of utterances.
struct conversation_input {
    std::vector<utterance> utterances{}; ///< in the order spoken
};

/// A local file, uploaded by the client: streamed from disk, never read into
/// memory whole. It must exist and stay readable until the upload is done.
struct file_input {
    std::filesystem::path path{}; ///< the file to upload
    /// Empty: guessed from the extension (see guess_content_type).
    std::string content_type{};
};

/// What a pipeline runs on: text, a URL the service downloads, a conversation,
/// or a local file (uploaded, streamed from disk).
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
