#include "base_url.hpp"

#include <boost/url/parse.hpp>

#include <stdexcept>

namespace oneai::detail {

base_url base_url::parse(std::string_view text) {
    auto fail = [&](const std::string& why) -> base_url {
        throw std::invalid_argument("bad base URL '" + std::string(text) + "': " + why);
    };
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed)
        return fail("not a URL (expected e.g. https://api.oneai.com)");
    base_url out;
    std::string scheme = parsed->scheme();
    if (scheme == "https")
        out.tls = true;
    else if (scheme == "http")
        out.tls = false;
    else
        return fail("the scheme must be http or https");
    out.host = parsed->host_address();
    if (out.host.empty())
        return fail("no host");
    // Decoded, a host could hold bytes that end a header line, or a name
    // resolution at a NUL; no real host name has them.
    for (unsigned char c : out.host)
        if (c <= 0x20 || c == 0x7f || c == '@' || c == '/' || c == '?' || c == '#')
            return fail("the host holds a control character, a space or one of @/?#");
    out.host_header = parsed->encoded_host_and_port();
    if (parsed->has_port()) {
        if (parsed->port_number() == 0)
            return fail("bad port");
        out.port = parsed->port_number();
    } else {
        out.port = out.tls ? 443 : 80;
    }
    if (parsed->has_query() || parsed->has_fragment())
        return fail("a base URL has no query or fragment");
    out.path_prefix = parsed->encoded_path();
    while (!out.path_prefix.empty() && out.path_prefix.back() == '/')
        out.path_prefix.pop_back();
    return out;
}

} // namespace oneai::detail
