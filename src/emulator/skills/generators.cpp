// Generators that rewrite the current text: each returns a new text and labels
// that point into it.

#include "lexicon.hpp"
#include "skill_functions.hpp"
#include "text_scan.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace oneai::emulator::detail::skills {
namespace {

struct replacement {
    text_range source;       // what is replaced, in the current text
    std::string with;        // what stands there in the new text
    std::string label_value; // the value of the label placed on `with`
};

// Applies non-overlapping replacements and returns the rewritten document with
// one label per replacement, placed on the replacing text.
skill_output rewrite(const text_document& doc, std::vector<replacement> changes,
                     std::string_view skill, std::string_view type) {
    std::sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) {
        return std::tie(a.source.section, a.source.start) <
               std::tie(b.source.section, b.source.start);
    });
    skill_output out;
    std::vector<utterance> rewritten = doc.utterances();
    std::size_t next = 0;
    for (std::size_t section = 0; section < rewritten.size(); ++section) {
        const std::string& original = doc.utterances()[section].text;
        std::string text;
        std::size_t copied = 0;
        for (; next < changes.size() && changes[next].source.section == section; ++next) {
            const auto& c = changes[next];
            if (c.source.start < copied) // overlaps the previous change
                continue;
            text.append(original, copied, c.source.start - copied);
            label l;
            l.skill = skill;
            l.type = type;
            l.name = type;
            l.value = c.label_value;
            l.range = text_range{section, text.size(), text.size() + c.with.size()};
            out.labels.push_back(std::move(l));
            text += c.with;
            copied = c.source.end;
        }
        text.append(original, copied);
        rewritten[section].text = std::move(text);
    }
    out.generated = doc.is_conversation()
                        ? text_document::conversation(std::move(rewritten))
                        : text_document::article(std::move(rewritten.front().text));
    return out;
}

bool is_email(std::string_view w) {
    auto at = w.find('@');
    return at != std::string_view::npos && at > 0 && w.find('.', at) != std::string_view::npos;
}

} // namespace

// Keeps the first sentence (two with amount "more"), cut to max_length words,
// with an origin label that points back at the sentence it came from.
skill_output summarize(const skill_call& call) {
    const std::string amount = string_param(call.params, "amount", "normal");
    const std::size_t wanted = amount == "more" ? 2 : 1;
    const long long max_words = int_param(call.params, "max_length", 0);
    const bool find_origins = bool_param(call.params, "find_origins", true);
    auto all = sentences_of(call.text);
    std::string summary;
    std::vector<located_text> used;
    for (std::size_t i = 0; i < all.size() && used.size() < wanted; ++i) {
        if (split_words(all[i].text).size() < 3 && i + 1 < all.size())
            continue; // skip greetings and fragments when there is more to say
        used.push_back(all[i]);
    }
    for (const auto& s : used) {
        if (!summary.empty())
            summary += ' ';
        summary += s.text;
    }
    if (max_words > 0) {
        auto words = split_words(summary);
        if (words.size() > static_cast<std::size_t>(max_words))
            summary.resize(words[static_cast<std::size_t>(max_words) - 1].second);
    }
    skill_output out;
    out.generated = text_document::article(summary);
    if (find_origins && !summary.empty()) {
        label origin;
        origin.type = "origin";
        origin.skill = "origin";
        origin.name = "origin";
        origin.range = text_range{0, 0, summary.size()};
        for (const auto& s : used)
            origin.input_spans.push_back(s.range);
        out.labels.push_back(std::move(origin));
    }
    return out;
}

// Replaces personal names, e-mail addresses and phone-like numbers with ***.
skill_output anonymize(const skill_call& call) {
    std::vector<replacement> changes;
    for (const auto& l : names(call).labels) {
        if (l.name == "PERSON")
            changes.push_back({*l.range, "***", std::string(call.text.slice(*l.range))});
    }
    const auto& us = call.text.utterances();
    for (std::size_t section = 0; section < us.size(); ++section) {
        std::string_view text = us[section].text;
        std::size_t i = 0;
        while (i < text.size()) {
            std::size_t end = text.find_first_of(" \n\t", i);
            if (end == std::string_view::npos)
                end = text.size();
            std::string_view token = text.substr(i, end - i);
            while (!token.empty() &&
                   (token.back() == '.' || token.back() == ',' || token.back() == ';'))
                token.remove_suffix(1);
            std::size_t digits = std::count_if(token.begin(), token.end(), [](char c) {
                return std::isdigit(static_cast<unsigned char>(c));
            });
            bool phone = digits >= 7 && digits * 10 >= token.size() * 7;
            if (is_email(token) || phone)
                changes.push_back({{section, i, i + token.size()}, "***", std::string(token)});
            i = end + 1;
        }
    }
    return rewrite(call.text, std::move(changes), "anonymize", "anonymized");
}

// Proofreads: capitalises sentence starts and the pronoun "i", and removes a
// word written twice in a row.
skill_output enhance(const skill_call& call) {
    std::vector<replacement> changes;
    const auto sentences = sentences_of(call.text);
    const auto words = words_of(call.text);
    for (std::size_t i = 0; i < words.size(); ++i) {
        const auto& w = words[i];
        std::string_view utterance_text = call.text.utterances()[w.range.section].text;
        if (i > 0 && words[i - 1].range.section == w.range.section &&
            to_lower_ascii(words[i - 1].text) == to_lower_ascii(w.text) &&
            w.range.start == words[i - 1].range.end + 1 &&
            utterance_text[w.range.start - 1] == ' ') {
            // "the the": replace the pair with one word.
            std::string single(words[i - 1].text);
            changes.push_back(
                {{w.range.section, words[i - 1].range.start, w.range.end}, single, single});
            continue;
        }
        bool starts_sentence = std::any_of(sentences.begin(), sentences.end(), [&](const auto& s) {
            return s.range.section == w.range.section && s.range.start == w.range.start;
        });
        if (w.text == "i" ||
            (starts_sentence && std::islower(static_cast<unsigned char>(w.text.front())))) {
            std::string fixed(w.text);
            fixed.front() =
                static_cast<char>(std::toupper(static_cast<unsigned char>(fixed.front())));
            changes.push_back({w.range, fixed, fixed});
        }
    }
    return rewrite(call.text, std::move(changes), "enhance", "replacement");
}

// Prices: "$10 per barrel" becomes a pricing label with amount, currency, unit.
skill_output business_entities(const skill_call& call) {
    skill_output out;
    out.generated = call.text;
    const auto words = words_of(call.text);
    for (std::size_t i = 0; i < words.size(); ++i) {
        const auto& w = words[i];
        std::string_view utterance_text = call.text.utterances()[w.range.section].text;
        if (w.range.start == 0 || utterance_text[w.range.start - 1] != '$' ||
            !std::isdigit(static_cast<unsigned char>(w.text.front())))
            continue;
        located_text where{{w.range.section, w.range.start - 1, w.range.end}, {}};
        std::string amount(w.text);
        std::string unit;
        if (i + 2 < words.size() && words[i + 1].text == "per" &&
            words[i + 2].range.section == w.range.section) {
            unit = words[i + 2].text;
            where.range.end = words[i + 2].range.end;
        }
        where.text = utterance_text.substr(where.range.start, where.range.end - where.range.start);
        label l = make_label("business-entities", "business-entity", "pricing", where);
        l.value = amount + " USD" + (unit.empty() ? "" : " per " + unit);
        l.data = {
            {"amount", std::strtod(amount.c_str(), nullptr)}, {"currency", "USD"}, {"unit", unit}};
        out.labels.push_back(std::move(l));
    }
    return out;
}

} // namespace oneai::emulator::detail::skills
