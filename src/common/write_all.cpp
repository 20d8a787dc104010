#include "write_all.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace oneai::common {

void write_all(int fd, std::string_view bytes, std::string_view what) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw std::runtime_error("cannot write the " + std::string(what) + ": " +
                                     std::strerror(errno));
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

} // namespace oneai::common
