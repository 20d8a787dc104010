#pragma once

#include <string>

namespace oneai {

/// TLS settings of an https base URL. Certificates are verified, host name
/// included, unless the caller explicitly says otherwise.
struct tls_options {
    /// Check the server's certificate chain and host name. Turn off only for a
    /// test server you control: without it anyone on the path can read the key.
    bool verify_peer = true;
    /// PEM file of trusted CAs; empty = the system's default paths.
    std::string ca_file{};
    /// Directory of hashed CA certificates (c_rehash layout).
    std::string ca_directory{};
    /// Host name sent as SNI and checked against the certificate; empty = the URL's host.
    std::string server_name{};
};

} // namespace oneai
