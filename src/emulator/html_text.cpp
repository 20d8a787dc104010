#include "html_text.hpp"

#include "api_failure.hpp"
#include "skills/lexicon.hpp"
#include "text_document.hpp"

#include <array>
#include <cctype>

namespace oneai::emulator::detail {
namespace {

bool is_block_tag(std::string_view tag) {
    constexpr std::array<std::string_view, 14> blocks = {"p",  "div",     "br",      "h1",   "h2",
                                                         "h3", "h4",      "h5",      "h6",   "li",
                                                         "tr", "section", "article", "title"};
    for (auto b : blocks) {
        if (tag == b)
            return true;
    }
    return false;
}

void append_entity(std::string_view entity, std::string& out) {
    if (entity == "amp")
        out += '&';
    else if (entity == "lt")
        out += '<';
    else if (entity == "gt")
        out += '>';
    else if (entity == "quot")
        out += '"';
    else if (entity == "#39" || entity == "apos")
        out += '\'';
    else if (entity == "nbsp")
        out += ' ';
    else
        out += "&" + std::string(entity) + ";";
}

// Collapses runs of white space inside paragraphs and keeps paragraph breaks.
std::string tidy(std::string_view raw) {
    std::string out;
    bool pending_space = false, pending_break = false;
    for (char c : raw) {
        if (c == '\x01') {
            pending_break = !out.empty();
            pending_space = false;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            pending_space = !out.empty();
        } else {
            if (pending_break)
                out += "\n\n";
            else if (pending_space)
                out += ' ';
            pending_break = pending_space = false;
            out += c;
        }
    }
    return out;
}

} // namespace

html_article extract_html_article(std::string_view html) {
    html_article article;
    std::string body; // '\x01' marks block boundaries until tidy() runs
    std::string title;
    bool in_title = false, in_h1 = false;
    std::string h1;
    std::size_t i = 0;
    while (i < html.size()) {
        char c = html[i];
        if (c == '<') {
            std::size_t close = html.find('>', i);
            if (close == std::string_view::npos)
                break;
            std::string_view inside = html.substr(i + 1, close - i - 1);
            bool closing = !inside.empty() && inside.front() == '/';
            if (closing)
                inside.remove_prefix(1);
            std::size_t name_end = 0;
            while (name_end < inside.size() &&
                   std::isalnum(static_cast<unsigned char>(inside[name_end])))
                ++name_end;
            std::string tag = to_lower_ascii(inside.substr(0, name_end));
            i = close + 1;
            if (!closing && (tag == "script" || tag == "style")) {
                auto end = to_lower_ascii(html.substr(i)).find("</" + tag);
                i = end == std::string::npos ? html.size() : i + end;
                continue;
            }
            if (tag == "title")
                in_title = !closing;
            if (tag == "h1")
                in_h1 = !closing;
            if (is_block_tag(tag) && tag != "title")
                body += '\x01';
            continue;
        }
        std::string decoded;
        if (c == '&') {
            std::size_t semi = html.find(';', i);
            if (semi != std::string_view::npos && semi - i <= 8) {
                append_entity(html.substr(i + 1, semi - i - 1), decoded);
                i = semi + 1;
            } else {
                decoded = "&";
                ++i;
            }
        } else {
            decoded = c;
            ++i;
        }
        if (in_title)
            title += decoded;
        else
            body += decoded;
        if (in_h1)
            h1 += decoded;
    }
    article.title = tidy(title.empty() ? h1 : title);
    article.body = tidy(body);
    // The page's own heading usually repeats the title: do not say it twice.
    if (!article.title.empty() && article.body.starts_with(article.title)) {
        article.body.erase(0, article.title.size());
        article.body.erase(0, article.body.find_first_not_of(" \n"));
    }
    return article;
}

std::string fetch_url_standin(std::string_view url) {
    std::string_view rest = url.substr(url.find("://") + 3);
    std::string host = to_lower_ascii(rest.substr(0, rest.find_first_of("/?#")));
    if (host.ends_with(".invalid") || host.find("unreachable") != std::string::npos)
        throw api_failure(50001, "could not download " + std::string(url));
    std::size_t hash = std::hash<std::string_view>{}(url);
    auto sentences = lexicon::filler_sentences();
    std::string page = "<!DOCTYPE html><html><head><title>Page at " + host +
                       "</title></head><body><h1>Page at " + host + "</h1>";
    for (std::size_t p = 0; p < 3; ++p) {
        page += "<p>";
        for (std::size_t s = 0; s < 3; ++s)
            page += std::string(sentences[(hash + p * 3 + s) % sentences.size()]) + " ";
        page += "</p>";
    }
    page += "<script>var tracking = true;</script></body></html>";
    return page;
}

} // namespace oneai::emulator::detail
