#pragma once
// TLS settings. Certificates are verified, host name included, unless the
// caller explicitly says otherwise.

#include <string>

namespace oneai {

struct tls_options {
    bool verify_peer = true;
    /// PEM file of trusted CAs; empty = the system's default paths.
    std::string ca_file{};
    /// Directory of hashed CA certificates (c_rehash layout).
    std::string ca_directory{};
    /// Host name sent as SNI and checked against the certificate; empty = the URL's host.
    std::string server_name{};
};

} // namespace oneai
