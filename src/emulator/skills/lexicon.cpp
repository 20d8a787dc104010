#include "lexicon.hpp"

#include <algorithm>
#include <array>

namespace oneai::emulator::detail::lexicon {
namespace {

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& words, std::string_view word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

constexpr std::array<std::string_view, 96> stopwords = {
    "a",     "about", "above", "after",  "again", "all",    "also",   "am",    "an",    "and",
    "any",   "are",   "as",    "at",     "be",    "been",   "before", "being", "below", "but",
    "by",    "can",   "could", "did",    "do",    "does",   "doing",  "down",  "each",  "few",
    "for",   "from",  "had",   "has",    "have",  "having", "he",     "her",   "here",  "hers",
    "him",   "his",   "how",   "i",      "if",    "in",     "into",   "is",    "it",    "its",
    "just",  "let's", "me",    "more",   "most",  "my",     "no",     "nor",   "not",   "now",
    "of",    "off",   "on",    "once",   "only",  "or",     "other",  "our",   "out",   "over",
    "own",   "same",  "she",   "should", "so",    "some",   "such",   "than",  "that",  "the",
    "their", "them",  "then",  "there",  "these", "they",   "this",   "those", "to",    "very",
    "was",   "we",    "were",  "what",   "with",  "you",
};

constexpr std::array<std::string_view, 24> positive = {
    "amazing", "beautiful", "best",   "brilliant", "delighted", "enjoy",  "excellent", "fantastic",
    "glad",    "good",      "great",  "happy",     "love",      "lovely", "nice",      "perfect",
    "pleased", "recommend", "smooth", "success",   "thank",     "thanks", "well",      "wonderful",
};

constexpr std::array<std::string_view, 24> negative = {
    "angry",        "annoyed",      "awful",   "bad",     "broken", "complaint",
    "disappointed", "fail",         "failed",  "failure", "hate",   "horrible",
    "late",         "poor",         "problem", "sad",     "slow",   "sorry",
    "terrible",     "unacceptable", "unhappy", "upset",   "worse",  "worst",
};

struct emotion_word {
    std::string_view word;
    std::string_view emotion;
};
constexpr std::array emotion_words = {
    emotion_word{"afraid", "fear"},         emotion_word{"amazed", "surprise"},
    emotion_word{"angry", "anger"},         emotion_word{"annoyed", "anger"},
    emotion_word{"astonished", "surprise"}, emotion_word{"delighted", "happiness"},
    emotion_word{"excited", "happiness"},   emotion_word{"furious", "anger"},
    emotion_word{"glad", "happiness"},      emotion_word{"happy", "happiness"},
    emotion_word{"love", "happiness"},      emotion_word{"miserable", "sadness"},
    emotion_word{"sad", "sadness"},         emotion_word{"scared", "fear"},
    emotion_word{"shocked", "surprise"},    emotion_word{"surprised", "surprise"},
    emotion_word{"unhappy", "sadness"},     emotion_word{"upset", "sadness"},
    emotion_word{"worried", "fear"},
};

constexpr std::array<std::string_view, 19> calendar = {
    "Monday",    "Tuesday",  "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January",   "February", "March",     "April",    "June",   "July",     "August",
    "September", "October",  "November",  "December", "May"};

struct place {
    std::string_view name;
    std::string_view type;
};
constexpr std::array places = {
    place{"Berlin", "CITY"},     place{"California", "STATE"}, place{"Canada", "COUNTRY"},
    place{"Chicago", "CITY"},    place{"England", "COUNTRY"},  place{"France", "COUNTRY"},
    place{"Germany", "COUNTRY"}, place{"Israel", "COUNTRY"},   place{"London", "CITY"},
    place{"Madrid", "CITY"},     place{"Paris", "CITY"},       place{"Rome", "CITY"},
    place{"Texas", "STATE"},     place{"Tokyo", "CITY"},       place{"Toronto", "CITY"},
};

constexpr std::array<std::string_view, 24> filler = {
    "The committee met on Tuesday to review the quarterly results.",
    "Revenue grew by 12 percent compared with the same period last year.",
    "Maria Lopez said the team will publish the full report next week.",
    "Customers in London and Paris reported faster delivery times.",
    "The new warehouse opened in 2021 and now employs 340 people.",
    "Engineers found that the cooling system was the main cause of the delays.",
    "We should schedule a follow-up call with the supplier before Friday.",
    "The price of the basic plan stays at $10 per month.",
    "Several readers wrote that they were delighted with the new design.",
    "A few customers were disappointed that the mobile app is still slow.",
    "The library lends more than 5000 books every month.",
    "Please send the signed contract to the legal department by Monday.",
    "The river rose by two metres after three days of heavy rain.",
    "Local farmers expect a good harvest despite the late spring.",
    "The museum will extend its opening hours during the summer.",
    "Researchers at the university published their findings in March.",
    "The city council approved the budget for the new bridge.",
    "Our support team answered 95 percent of requests within one hour.",
    "David Chen thanked the volunteers who organised the event.",
    "The train from Berlin arrived twenty minutes late.",
    "Sales of electric bicycles doubled in the past two years.",
    "The school plans to hire six new teachers in the autumn.",
    "Visitors praised the clear signs and the friendly staff.",
    "The board needs to decide on the merger before the end of the quarter.",
};

} // namespace

bool is_stopword(std::string_view w) {
    return contains(stopwords, w);
}
bool is_positive(std::string_view w) {
    return contains(positive, w);
}
bool is_negative(std::string_view w) {
    return contains(negative, w);
}

std::string_view emotion_of(std::string_view w) {
    for (const auto& e : emotion_words) {
        if (e.word == w)
            return e.emotion;
    }
    return {};
}

bool is_calendar_word(std::string_view w) {
    return contains(calendar, w);
}

std::string_view place_type(std::string_view w) {
    for (const auto& p : places) {
        if (p.name == w)
            return p.type;
    }
    return {};
}

std::span<const std::string_view> filler_sentences() {
    return filler;
}

} // namespace oneai::emulator::detail::lexicon
