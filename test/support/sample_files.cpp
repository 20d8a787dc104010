#include "sample_files.hpp"

#include <cstdint>

namespace oneai::test {
namespace {

void put_le(std::string& out, std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

} // namespace

std::string make_wav(double seconds, unsigned channels) {
    const std::uint32_t rate = 8000;
    const std::uint32_t block = 2 * (channels == 0 ? 1 : channels);
    const auto data_bytes = static_cast<std::uint32_t>(seconds * rate) * block;
    std::string wav = "RIFF";
    put_le(wav, 36 + data_bytes, 4);
    wav += "WAVEfmt ";
    put_le(wav, 16, 4);
    put_le(wav, 1, 2); // PCM
    put_le(wav, channels, 2);
    put_le(wav, rate, 4);
    put_le(wav, rate * block, 4);
    put_le(wav, block, 2);
    put_le(wav, 16, 2);
    wav += "data";
    put_le(wav, data_bytes, 4);
    wav.append(data_bytes, '\0');
    return wav;
}

std::string make_pdf(const std::string& text) {
    std::string content = "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET";
    return "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
           "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
           "3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"
           "4 0 obj << /Length " +
           std::to_string(content.size()) + " >>\nstream\n" + content +
           "\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
}

} // namespace oneai::test
