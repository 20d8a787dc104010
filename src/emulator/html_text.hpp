#pragma once
// Turns an HTML page into article text: the title and the readable body,
// without scripts, styles or markup.

#include <string>
#include <string_view>

namespace oneai::emulator::detail {

struct html_article {
    std::string title;
    std::string body; // paragraphs separated by blank lines
};

html_article extract_html_article(std::string_view html);

/// The stand-in for downloading a URL: a page made deterministically from the
/// URL (the emulator has no internet). Hosts ending in `.invalid` or containing
/// `unreachable` fail with 50001, so clients can test failed downloads.
std::string fetch_url_standin(std::string_view url);

} // namespace oneai::emulator::detail
