#include "latency_text.hpp"

#include <cstdio>

namespace oneai::load {

std::string latency_text(double us) {
    char buf[48];
    if (us >= 100e6)
        std::snprintf(buf, sizeof buf, "%.1fs", us / 1e6);
    else if (us >= 1e6)
        std::snprintf(buf, sizeof buf, "%.3fs", us / 1e6);
    else if (us >= 100e3)
        std::snprintf(buf, sizeof buf, "%.1fms", us / 1e3);
    else if (us >= 1e3)
        std::snprintf(buf, sizeof buf, "%.2fms", us / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%.0fus", us);
    return buf;
}

} // namespace oneai::load
