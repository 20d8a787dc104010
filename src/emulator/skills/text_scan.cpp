#include "text_scan.hpp"

#include "lexicon.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>

namespace oneai::emulator::detail::skills {

std::vector<located_text> sentences_of(const text_document& doc) {
    std::vector<located_text> out;
    const auto& us = doc.utterances();
    for (std::size_t section = 0; section < us.size(); ++section) {
        std::string_view text = us[section].text;
        for (auto [s, e] : split_sentences(text))
            out.push_back({{section, s, e}, text.substr(s, e - s)});
    }
    return out;
}

std::vector<located_text> words_of(const text_document& doc) {
    std::vector<located_text> out;
    const auto& us = doc.utterances();
    for (std::size_t section = 0; section < us.size(); ++section) {
        std::string_view text = us[section].text;
        for (auto [s, e] : split_words(text))
            out.push_back({{section, s, e}, text.substr(s, e - s)});
    }
    return out;
}

std::vector<std::pair<std::string, std::size_t>> ranked_keywords(const text_document& doc) {
    std::vector<std::pair<std::string, std::size_t>> ranking;
    std::unordered_map<std::string, std::size_t> position;
    for (const auto& w : words_of(doc)) {
        std::string lower = to_lower_ascii(w.text);
        bool alphabetic = std::all_of(lower.begin(), lower.end(), [](char c) {
            return std::isalpha(static_cast<unsigned char>(c)) || c == '-' || c == '\'';
        });
        if (lower.size() < 4 || !alphabetic || lexicon::is_stopword(lower))
            continue;
        auto [it, fresh] = position.try_emplace(lower, ranking.size());
        if (fresh)
            ranking.emplace_back(lower, 0);
        ++ranking[it->second].second;
    }
    std::stable_sort(ranking.begin(), ranking.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return ranking;
}

label make_label(std::string_view skill, std::string_view type, std::string_view name,
                 const located_text& where) {
    label l;
    l.skill = skill;
    l.type = type;
    l.name = name;
    l.value = std::string(where.text);
    l.range = where.range;
    return l;
}

label make_unplaced_label(std::string_view skill, std::string_view type, std::string_view name,
                          std::string value) {
    label l;
    l.skill = skill;
    l.type = type;
    l.name = name;
    l.value = std::move(value);
    return l;
}

std::string string_param(const boost::json::object& params, std::string_view key,
                         std::string_view fallback) {
    if (const auto* v = params.if_contains(key); v && v->is_string())
        return std::string(v->get_string());
    return std::string(fallback);
}

bool bool_param(const boost::json::object& params, std::string_view key, bool fallback) {
    if (const auto* v = params.if_contains(key); v && v->is_bool())
        return v->get_bool();
    return fallback;
}

long long int_param(const boost::json::object& params, std::string_view key, long long fallback) {
    if (const auto* v = params.if_contains(key)) {
        if (v->is_int64())
            return v->get_int64();
        // Validation refuses numbers beyond 2^53; the clamps keep the
        // conversions defined even for a request that skipped it.
        if (v->is_uint64())
            return static_cast<long long>(
                std::min<std::uint64_t>(v->get_uint64(), std::numeric_limits<long long>::max()));
        if (v->is_double()) {
            const double d = v->get_double();
            constexpr double bound = 9007199254740992.0; // 2^53, exact as a double and a long long
            return std::isnan(d) ? fallback : static_cast<long long>(std::clamp(d, -bound, bound));
        }
    }
    return fallback;
}

} // namespace oneai::emulator::detail::skills
