#pragma once
// The parts of options::base_url the transport needs.

#include <cstdint>
#include <string>
#include <string_view>

namespace oneai::detail {

struct base_url {
    bool tls = true;
    std::string host;        // decoded: what is resolved, and sent as SNI
    std::string host_header; // the Host header: as written, with its port when one is given
    std::uint16_t port = 443;
    std::string path_prefix; // without a trailing slash; usually empty

    /// Throws std::invalid_argument with the reason.
    static base_url parse(std::string_view url);
    std::string pool_key() const {
        return (tls ? "https://" : "http://") + host + ":" + std::to_string(port);
    }
};

} // namespace oneai::detail
