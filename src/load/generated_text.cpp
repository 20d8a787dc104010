#include "generated_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <string_view>

namespace oneai::load::detail {
namespace {

constexpr std::array<std::string_view, 48> vocabulary{
    "the",     "team",    "report",    "board",   "meeting", "customer", "service", "order",
    "market",  "price",   "quarter",   "growth",  "project", "release",  "plan",    "budget",
    "will",    "was",     "has",       "met",     "shipped", "reviewed", "agreed",  "expects",
    "in",      "on",      "with",      "after",   "before",  "for",      "of",      "and",
    "London",  "Berlin",  "Tuesday",   "Friday",  "Maria",   "David",    "new",     "strong",
    "quickly", "finally", "customers", "support", "product", "sales",    "results", "data"};

} // namespace

generated_text::generated_text(std::size_t min_words, std::size_t max_words, std::uint64_t seed)
    : min_words_(std::max<std::size_t>(1, min_words)),
      max_words_(std::max(std::max<std::size_t>(1, min_words), max_words)), rng_(seed) {
    // Twice the largest text, so slices start at many places; sentences of 8 to
    // 16 words, capitalised and ended with a full stop, so sentence-based skills
    // (summarize) find sentences.
    const std::size_t words = std::max<std::size_t>(2 * max_words_, 1024);
    std::uniform_int_distribution<std::size_t> pick(0, vocabulary.size() - 1);
    std::uniform_int_distribution<int> sentence_length(8, 16);
    int left_in_sentence = 0;
    for (std::size_t i = 0; i < words; ++i) {
        if (i > 0)
            corpus_ += ' ';
        word_starts_.push_back(corpus_.size());
        std::string word(vocabulary[pick(rng_)]);
        if (left_in_sentence == 0) {
            left_in_sentence = sentence_length(rng_);
            word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
        }
        corpus_ += word;
        if (--left_in_sentence == 0)
            corpus_ += '.';
    }
    if (corpus_.back() != '.')
        corpus_ += '.';
    word_starts_.push_back(corpus_.size() + 1); // as if a space followed the last word
}

std::size_t generated_text::draw_size() {
    if (min_words_ == max_words_)
        return min_words_;
    // Log-uniform over [min, max]: as many 10-100 word texts as 1000-10000.
    std::uniform_real_distribution<double> u(std::log(static_cast<double>(min_words_)),
                                             std::log(static_cast<double>(max_words_) + 1));
    return std::clamp<std::size_t>(static_cast<std::size_t>(std::exp(u(rng_))), min_words_,
                                   max_words_);
}

std::string generated_text::next() {
    const std::size_t n = draw_size();
    const std::size_t total = word_starts_.size() - 1;
    std::uniform_int_distribution<std::size_t> first(0, total - n);
    const std::size_t from = first(rng_);
    const std::size_t begin = word_starts_[from];
    const std::size_t end = word_starts_[from + n] - 1; // drop the space before the next word
    return corpus_.substr(begin, end - begin);
}

} // namespace oneai::load::detail
