#pragma once
// Small fixed word lists behind the deterministic skills. Lower-case ASCII.

#include <span>
#include <string_view>

namespace oneai::emulator::detail::lexicon {

bool is_stopword(std::string_view lower_word);
bool is_positive(std::string_view lower_word);
bool is_negative(std::string_view lower_word);
/// happiness, sadness, anger, surprise or fear; empty when the word carries none.
std::string_view emotion_of(std::string_view lower_word);
/// Days of the week and months: capitalised, but never names.
bool is_calendar_word(std::string_view word);
/// CITY, COUNTRY or STATE for well-known places; empty otherwise.
std::string_view place_type(std::string_view word);
/// Sentences the emulator writes when it has to invent text (URL pages, transcripts).
std::span<const std::string_view> filler_sentences();

} // namespace oneai::emulator::detail::lexicon
