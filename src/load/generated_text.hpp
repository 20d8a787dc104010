#pragma once
// English-looking text of a given number of words, for size sweeps: slices of
// one corpus of plain sentences made once from a seed, so a task's input costs
// one copy, not a draw per word.

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace oneai::load::detail {

class generated_text {
  public:
    /// Texts of `min_words` to `max_words` words (log-uniform in between).
    generated_text(std::size_t min_words, std::size_t max_words, std::uint64_t seed);
    /// The next text: its size drawn, then a slice of the corpus of that size.
    std::string next();

  private:
    std::size_t draw_size();
    std::size_t min_words_, max_words_;
    std::mt19937_64 rng_;
    std::string corpus_;
    std::vector<std::size_t> word_starts_; // offsets of each word in corpus_, plus the end
};

} // namespace oneai::load::detail
