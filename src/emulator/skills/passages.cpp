// Analyzers that pick whole sentences or passages of the current text.

#include "lexicon.hpp"
#include "skill_functions.hpp"
#include "text_scan.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace oneai::emulator::detail::skills {
namespace {

bool contains_phrase(std::string_view sentence, std::initializer_list<std::string_view> phrases) {
    std::string lower = " " + to_lower_ascii(sentence) + " ";
    for (char& c : lower) {
        if (c == ',' || c == '.' || c == '!' || c == '?' || c == ';')
            c = ' ';
    }
    for (auto p : phrases) {
        if (lower.find(" " + std::string(p) + " ") != std::string::npos)
            return true;
    }
    return false;
}

std::string first_words(std::string_view sentence, std::size_t count) {
    auto words = split_words(sentence);
    if (words.empty())
        return {};
    std::size_t last = std::min(count, words.size()) - 1;
    return std::string(
        sentence.substr(words.front().first, words[last].second - words.front().first));
}

// Labels every sentence for which `category` names a class.
template <typename Classifier>
skill_output classify_sentences(const skill_call& call, std::string_view skill,
                                std::string_view type, Classifier category) {
    skill_output out;
    for (const auto& s : sentences_of(call.text)) {
        std::string_view name = category(s.text);
        if (!name.empty())
            out.labels.push_back(make_label(skill, type, name, s));
    }
    return out;
}

} // namespace

// The sentences that mention the most frequent content words.
skill_output highlights(const skill_call& call) {
    const std::string amount = string_param(call.params, "amount", "normal");
    const std::size_t wanted = amount == "less" ? 1 : amount == "more" ? 3 : 2;
    std::unordered_map<std::string, std::size_t> weight;
    for (const auto& [word, count] : ranked_keywords(call.text))
        weight[word] = count;
    auto all = sentences_of(call.text);
    std::vector<std::pair<std::size_t, std::size_t>> scored; // score, index
    for (std::size_t i = 0; i < all.size(); ++i) {
        std::size_t score = 0;
        for (auto [b, e] : split_words(all[i].text)) {
            auto it = weight.find(to_lower_ascii(all[i].text.substr(b, e - b)));
            score += it == weight.end() ? 0 : it->second;
        }
        scored.emplace_back(score, i);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    scored.resize(std::min(wanted, scored.size()));
    std::sort(scored.begin(), scored.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; });
    skill_output out;
    for (const auto& [score, index] : scored)
        out.labels.push_back(make_label("highlights", "highlight", "highlight", all[index]));
    return out;
}

skill_output headline(const skill_call& call) {
    skill_output out;
    auto all = sentences_of(call.text);
    if (all.empty())
        return out;
    const std::string kind = string_param(call.params, "headlines_type", "headline");
    const long long variations =
        std::clamp<long long>(int_param(call.params, "variations", 1), 1, 5);
    for (long long v = 0; v < variations; ++v) {
        std::string text = first_words(all.front().text, static_cast<std::size_t>(8 - v));
        if (kind == "clickbait")
            text = "You won't believe this: " + text;
        out.labels.push_back(make_unplaced_label("headline", "headline", kind, text));
    }
    return out;
}

// One subheading per paragraph (or utterance): its first words.
skill_output subheading(const skill_call& call) {
    skill_output out;
    std::size_t last_section = static_cast<std::size_t>(-1);
    std::size_t last_end = 0;
    for (const auto& s : sentences_of(call.text)) {
        std::string_view utterance_text = call.text.utterances()[s.range.section].text;
        bool new_paragraph =
            s.range.section != last_section ||
            utterance_text.substr(last_end, s.range.start - last_end).find("\n\n") !=
                std::string_view::npos;
        last_section = s.range.section;
        last_end = s.range.end;
        if (new_paragraph) {
            label l = make_label("subheading", "subheading", "subheading", s);
            l.value = first_words(s.text, 5);
            out.labels.push_back(std::move(l));
        }
    }
    return out;
}

skill_output action_items(const skill_call& call) {
    return classify_sentences(call, "action-items", "action-item", [](std::string_view s) {
        return contains_phrase(s, {"will", "should", "need to", "needs to", "must", "please",
                                   "let's", "schedule", "follow up", "follow-up"})
                   ? std::string_view("Action item")
                   : std::string_view{};
    });
}

skill_output sales_insights(const skill_call& call) {
    return classify_sentences(call, "sales-insights", "sales-insights", [](std::string_view s) {
        if (contains_phrase(s, {"not interested", "no interest", "no thanks"}))
            return std::string_view("No interest");
        if (contains_phrase(s, {"competitor", "competitors", "competition", "alternative"}))
            return std::string_view("Competition");
        if (contains_phrase(s, {"need", "needs", "feature", "features", "require"}))
            return std::string_view("Needs & Features");
        if (contains_phrase(s, {"timeline", "deadline", "next quarter", "next week", "schedule"}))
            return std::string_view("Timing & Process");
        return std::string_view{};
    });
}

skill_output service_email_insights(const skill_call& call) {
    return classify_sentences(
        call, "service-email-insights", "service-email-insights", [](std::string_view s) {
            if (contains_phrase(s, {"hi", "hello", "dear", "greetings"}))
                return std::string_view("Intro");
            if (contains_phrase(s, {"regards", "sincerely", "best", "cheers"}))
                return std::string_view("Outro");
            if (contains_phrase(s, {"disappointed", "complaint", "unacceptable", "terrible"}))
                return std::string_view("Complaint");
            if (contains_phrase(s, {"please", "could you", "can you", "would you"}))
                return std::string_view("Request");
            if (!s.empty() && s.back() == '?')
                return std::string_view("Query");
            return std::string_view{};
        });
}

// Segments of four sentences, each labelled at its first sentence with the
// segment's most frequent content word as its topic.
skill_output dialogue_segmentation(const skill_call& call) {
    constexpr std::size_t segment_length = 4;
    skill_output out;
    auto all = sentences_of(call.text);
    for (std::size_t first = 0; first < all.size(); first += segment_length) {
        std::string joined;
        for (std::size_t i = first; i < std::min(all.size(), first + segment_length); ++i)
            joined += std::string(all[i].text) + " ";
        auto ranking = ranked_keywords(text_document::article(joined));
        label l =
            make_label("dialogue-segmentation", "dialogue-segment", "dialogue-segment", all[first]);
        l.value = ranking.empty() ? std::string("general") : ranking.front().first;
        out.labels.push_back(std::move(l));
    }
    return out;
}

} // namespace oneai::emulator::detail::skills
