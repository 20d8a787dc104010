#include <oneai/input.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace oneai {
namespace {

struct extension_type {
    std::string_view extension;
    std::string_view content_type;
    bool conversation;
};

// The official SDKs' table (docs/api.md, "Inputs and content types"), Node's
// .mp3 included.
constexpr std::array table = {
    extension_type{".txt", "text/plain", false},       extension_type{".html", "text/plain", false},
    extension_type{".json", "application/json", true}, extension_type{".srt", "text/plain", true},
    extension_type{".wav", "audio/wav", true},         extension_type{".mp3", "audio/mp3", true},
    extension_type{".mp4", "audio/mpeg", true},        extension_type{".pdf", "text/pdf", false},
    extension_type{".csv", "text/csv", false},
};

const extension_type* lookup(const std::filesystem::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    for (const auto& e : table) {
        if (e.extension == ext)
            return &e;
    }
    return nullptr;
}

} // namespace

std::string guess_content_type(const std::filesystem::path& path) {
    const auto* e = lookup(path);
    return e ? std::string(e->content_type) : std::string{};
}

bool is_conversation_content(const std::filesystem::path& path, const std::string& content_type) {
    if (content_type.starts_with("audio/") || content_type == "application/json")
        return true;
    const auto* e = lookup(path);
    return e && e->conversation && (content_type.empty() || content_type == e->content_type);
}

} // namespace oneai
