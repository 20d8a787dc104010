// Word-level analyzers: each labels words or sentences of the current text.

#include "lexicon.hpp"
#include "skill_functions.hpp"
#include "text_scan.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace oneai::emulator::detail::skills {
namespace {

constexpr std::size_t keyword_count = 5;
constexpr std::size_t labels_per_keyword = 3;

bool is_sentence_start(std::string_view utterance_text, std::size_t pos) {
    std::size_t i = pos;
    while (i > 0 && std::isspace(static_cast<unsigned char>(utterance_text[i - 1])))
        --i;
    if (i == 0)
        return true;
    char before = utterance_text[i - 1];
    return before == '.' || before == '!' || before == '?' || before == '"' || before == ':';
}

} // namespace

skill_output keywords(const skill_call& call) {
    auto ranking = ranked_keywords(call.text);
    if (ranking.size() > keyword_count)
        ranking.resize(keyword_count);
    skill_output out;
    if (ranking.empty())
        return out;
    const double top = static_cast<double>(ranking.front().second);
    std::vector<std::size_t> emitted(ranking.size(), 0);
    for (const auto& w : words_of(call.text)) {
        std::string lower = to_lower_ascii(w.text);
        for (std::size_t k = 0; k < ranking.size(); ++k) {
            if (ranking[k].first != lower || emitted[k] == labels_per_keyword)
                continue;
            ++emitted[k];
            label l = make_label("keywords", "keyword", lower, w);
            // Relevance in (0, 1]: never 0, which the Node SDK would drop as falsy.
            l.value = static_cast<double>(ranking[k].second) / top;
            out.labels.push_back(std::move(l));
        }
    }
    return out;
}

// Capitalised words that do not start a sentence, merged into multi-word names;
// well-known places become GEO with their kind in `data`.
skill_output names(const skill_call& call) {
    const bool enrich = bool_param(call.params, "enrichment", true);
    skill_output out;
    const auto words = words_of(call.text);
    for (std::size_t i = 0; i < words.size(); ++i) {
        const auto& w = words[i];
        std::string_view utterance_text = call.text.utterances()[w.range.section].text;
        const bool place = !lexicon::place_type(w.text).empty();
        // A capitalised word opening a sentence is a name only when another
        // capitalised word follows it ("Maria Lopez said"), or a known place.
        const bool followed_by_capital =
            i + 1 < words.size() && words[i + 1].range.section == w.range.section &&
            words[i + 1].range.start == w.range.end + 1 && is_capitalised(words[i + 1].text);
        if (!is_capitalised(w.text) || lexicon::is_stopword(to_lower_ascii(w.text)) ||
            lexicon::is_calendar_word(w.text) ||
            (is_sentence_start(utterance_text, w.range.start) && !place && !followed_by_capital))
            continue;
        located_text name = w;
        // Join the following capitalised words separated by one space ("Maria Lopez").
        while (i + 1 < words.size() && words[i + 1].range.section == w.range.section &&
               words[i + 1].range.start == name.range.end + 1 &&
               is_capitalised(words[i + 1].text) && utterance_text[name.range.end] == ' ') {
            name.range.end = words[++i].range.end;
        }
        name.text = utterance_text.substr(name.range.start, name.range.end - name.range.start);
        std::string_view kind = "PERSON";
        std::string_view next = utterance_text.substr(name.range.end);
        if (next.starts_with(" Inc") || next.starts_with(" Corp") || next.starts_with(" Ltd"))
            kind = "ORG";
        label l = make_label("names", "name", kind, name);
        if (auto pt = lexicon::place_type(name.text); !pt.empty()) {
            l.name = "GEO";
            if (enrich)
                l.data["type"] = pt;
        }
        out.labels.push_back(std::move(l));
    }
    return out;
}

// Digit runs: money after '$', years as DATE, anything else NUMBER.
skill_output numbers(const skill_call& call) {
    skill_output out;
    for (const auto& w : words_of(call.text)) {
        std::string_view text = w.text;
        if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front())))
            continue;
        std::string digits;
        for (char c : text) {
            if (std::isdigit(static_cast<unsigned char>(c)) || c == '.')
                digits.push_back(c);
            else if (c != ',')
                break;
        }
        double value = std::strtod(digits.c_str(), nullptr);
        std::string_view utterance_text = call.text.utterances()[w.range.section].text;
        located_text where = w;
        label l;
        if (where.range.start > 0 && utterance_text[where.range.start - 1] == '$') {
            --where.range.start;
            where.text =
                utterance_text.substr(where.range.start, where.range.end - where.range.start);
            l = make_label("numbers", "number", "MONEY", where);
            l.data = {{"amount", value}, {"currency", "USD"}};
        } else if (text.size() == 4 && value >= 1900 && value <= 2099 && digits == text) {
            l = make_label("numbers", "number", "DATE", where);
            l.data = {{"date_time", std::string(text) + "-01-01T00:00:00"},
                      {"timezone", nullptr},
                      {"precision", "year"}};
        } else {
            l = make_label("numbers", "number", "NUMBER", where);
            l.data = {{"numeric_value", value}};
        }
        out.labels.push_back(std::move(l));
    }
    return out;
}

skill_output sentiments(const skill_call& call) {
    skill_output out;
    for (const auto& s : sentences_of(call.text)) {
        int score = 0;
        for (auto [b, e] : split_words(s.text)) {
            std::string lower = to_lower_ascii(s.text.substr(b, e - b));
            score += lexicon::is_positive(lower) ? 1 : 0;
            score -= lexicon::is_negative(lower) ? 1 : 0;
        }
        if (score == 0)
            continue;
        std::string_view polarity = score > 0 ? "POS" : "NEG";
        label l = make_label("sentiments", "sentiment", polarity, s);
        l.value = std::string(polarity);
        out.labels.push_back(std::move(l));
    }
    return out;
}

skill_output emotions(const skill_call& call) {
    skill_output out;
    for (const auto& w : words_of(call.text)) {
        auto emotion = lexicon::emotion_of(to_lower_ascii(w.text));
        if (!emotion.empty())
            out.labels.push_back(make_label("emotions", "emotion", emotion, w));
    }
    return out;
}

skill_output detect_language(const skill_call&) {
    // Non-English input only gets this far with `multilingual`, and the
    // emulator does not pretend to know which language it is.
    skill_output out;
    out.labels.push_back(
        make_unplaced_label("detect-language", "detect-language", "language", "English"));
    return out;
}

skill_output sentences(const skill_call& call) {
    skill_output out;
    for (const auto& s : sentences_of(call.text))
        out.labels.push_back(make_label("sentences", "sentence", "sentence", s));
    return out;
}

skill_output article_topics(const skill_call& call) {
    skill_output out;
    auto ranking = ranked_keywords(call.text);
    for (std::size_t i = 0; i < ranking.size() && i < 3; ++i) {
        std::string topic = ranking[i].first;
        topic.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(topic.front())));
        out.labels.push_back(make_unplaced_label("article-topics", "topic", "topic", topic));
    }
    return out;
}

} // namespace oneai::emulator::detail::skills
