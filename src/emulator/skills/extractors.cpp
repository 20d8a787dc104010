// Generators that turn files or markup into text: transcribe (audio),
// pdf-extract-text and the HTML extractors.

#include "../api_failure.hpp"
#include "../html_text.hpp"
#include "../pipeline_request.hpp"
#include "../time_text.hpp"
#include "../utf8_text.hpp"
#include "lexicon.hpp"
#include "skill_functions.hpp"
#include "text_scan.hpp"

#include <algorithm>
#include <cstring>

namespace oneai::emulator::detail::skills {
namespace {

std::uint32_t read_le(std::string_view bytes, std::size_t at, std::size_t width) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < width && at + i < bytes.size(); ++i)
        v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
    return v;
}

// Length of a recording: from the WAV header where there is one, otherwise as
// if it were 128 kbit/s compressed audio.
double audio_seconds(std::string_view bytes) {
    if (bytes.starts_with("RIFF") && bytes.size() >= 44) {
        std::size_t at = 12;
        std::uint32_t byte_rate = 0;
        while (at + 8 <= bytes.size()) {
            std::string_view id = bytes.substr(at, 4);
            std::uint32_t size = read_le(bytes, at + 4, 4);
            if (id == "fmt ") {
                if (read_le(bytes, at + 10, 2) == 0)
                    throw api_failure(40006, "the WAV header declares zero channels");
                byte_rate = read_le(bytes, at + 16, 4);
            } else if (id == "data") {
                if (byte_rate == 0)
                    throw api_failure(40012, "the WAV file has no usable format chunk");
                std::size_t available = std::min<std::size_t>(size, bytes.size() - at - 8);
                return static_cast<double>(available) / byte_rate;
            }
            at += 8 + size + (size & 1);
        }
        throw api_failure(40012, "the WAV file has no data chunk");
    }
    return static_cast<double>(bytes.size()) / 16000.0;
}

std::size_t fnv1a(std::string_view bytes) {
    std::size_t h = 1469598103934665603ULL;
    for (char c : bytes.substr(0, 4096)) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return h ^ bytes.size();
}

std::string media_offset(double seconds) {
    return format_media_offset(std::chrono::milliseconds{static_cast<long long>(seconds * 1000)});
}

std::string unescape_pdf_string(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            char n = s[++i];
            out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
        } else {
            out += s[i];
        }
    }
    return out;
}

} // namespace

// A deterministic transcript: its length follows the recording's, its words
// come from the emulator's stock sentences chosen by a hash of the bytes.
skill_output transcribe(const skill_call& call) {
    const std::string_view bytes = call.request.input;
    const double seconds = audio_seconds(bytes);
    if (seconds < 0.1)
        throw api_failure(40012, "the recording is too short to transcribe");
    const bool speakers = bool_param(call.params, "speaker_detection", true);
    const bool per_word = bool_param(call.params, "timestamp_per_word", false);
    const auto stock = lexicon::filler_sentences();
    const std::size_t count =
        std::clamp<std::size_t>(static_cast<std::size_t>(seconds / 4), 1, 200);
    const double each = seconds / static_cast<double>(count);
    const std::size_t seed = fnv1a(bytes);
    std::vector<utterance> utterances;
    std::vector<label> word_labels;
    for (std::size_t i = 0; i < count; ++i) {
        utterance u;
        u.text = stock[(seed + i * 7) % stock.size()];
        u.has_speaker = true;
        u.speaker = speakers ? "speaker " + std::to_string(i % 2) : "speaker";
        u.timestamp = media_offset(i * each);
        if (per_word) {
            auto words = split_words(u.text);
            const double per = each / static_cast<double>(words.size());
            for (std::size_t w = 0; w < words.size(); ++w) {
                label l = make_label("transcribe", "word", "word",
                                     {{i, words[w].first, words[w].second},
                                      std::string_view(u.text).substr(
                                          words[w].first, words[w].second - words[w].first)});
                l.timestamp = media_offset(i * each + w * per);
                l.timestamp_end = media_offset(i * each + (w + 1) * per);
                word_labels.push_back(std::move(l));
            }
        }
        utterances.push_back(std::move(u));
    }
    skill_output out;
    out.generated = text_document::conversation(std::move(utterances));
    out.labels = std::move(word_labels);
    out.media_seconds = seconds;
    return out;
}

// The text of a PDF's string operators ("(text) Tj" and "[(a) (b)] TJ"), one
// line per text object. Compressed streams are not decoded.
skill_output pdf_extract_text(const skill_call& call) {
    std::string_view pdf = call.request.input;
    std::string text;
    for (std::size_t i = 0; i < pdf.size(); ++i) {
        if (pdf.compare(i, 2, "ET") == 0 && !text.empty() && text.back() != '\n') {
            text += '\n';
            continue;
        }
        if (pdf[i] != '(')
            continue;
        std::size_t depth = 1, j = i + 1;
        for (; j < pdf.size() && depth > 0; ++j) {
            if (pdf[j] == '\\')
                ++j;
            else if (pdf[j] == '(')
                ++depth;
            else if (pdf[j] == ')')
                --depth;
        }
        std::string_view after = pdf.substr(j, 8);
        std::size_t op = after.find_first_not_of(" ]\n\r");
        if (op != std::string_view::npos &&
            (after.substr(op, 2) == "Tj" || after.substr(op, 2) == "TJ" ||
             after.substr(op, 1) == "'")) {
            if (!text.empty() && text.back() != '\n')
                text += ' ';
            text += unescape_pdf_string(pdf.substr(i + 1, j - i - 2));
        }
        i = j - 1;
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    if (text.empty())
        throw api_failure(40009, "no extractable text in the PDF (compressed or scanned pages)");
    // PDF strings are often Latin-1 or UTF-16: what is not UTF-8 becomes
    // U+FFFD here, so that the spans of later skills match the text returned.
    if (first_invalid_utf8(text))
        text = replace_invalid_utf8(text);
    skill_output out;
    out.generated = text_document::article(std::move(text));
    return out;
}

skill_output html_extract_article(const skill_call& call) {
    const bool with_headline = bool_param(call.params, "include_headline", true);
    html_article article = extract_html_article(call.text.flat_text());
    std::string text = with_headline && !article.title.empty()
                           ? article.title + "\n\n" + article.body
                           : article.body;
    if (text.empty())
        throw api_failure(40002, "the HTML page has no readable text");
    skill_output out;
    out.generated = text_document::article(text);
    if (!article.title.empty()) {
        label title = make_unplaced_label("html-extract-article", "html-extract-article", "title",
                                          article.title);
        if (with_headline)
            title.range = text_range{0, 0, article.title.size()};
        out.labels.push_back(std::move(title));
    }
    return out;
}

skill_output html_extract_text(const skill_call& call) {
    html_article article = extract_html_article(call.text.flat_text());
    std::string text = article.title.empty() ? article.body : article.title + "\n\n" + article.body;
    if (text.empty())
        throw api_failure(40002, "the HTML page has no readable text");
    skill_output out;
    out.generated = text_document::article(std::move(text));
    return out;
}

} // namespace oneai::emulator::detail::skills
