#pragma once
// Small valid media files made in memory, for upload tests.

#include <string>

namespace oneai::test {

/// A mono 16-bit PCM WAV file of `seconds` of silence at 8 kHz.
std::string make_wav(double seconds, unsigned channels = 1);
/// A one-page PDF whose content stream draws `text` with Tj.
std::string make_pdf(const std::string& text);

} // namespace oneai::test
