#include "server_time.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace oneai::detail {
namespace {

bool parse_time(const std::string& t, long long& seconds, double& fraction) {
    std::tm tm{};
    int consumed = 0;
    if (std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
        return false;
    fraction = static_cast<std::size_t>(consumed) < t.size() && t[consumed] == '.'
                   ? std::strtod(t.c_str() + consumed, nullptr)
                   : 0.0;
    if (!(fraction >= 0.0 && fraction < 1.0))
        fraction = 0.0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    seconds = static_cast<long long>(timegm(&tm));
    return true;
}

} // namespace

double server_span_ms(const std::string& from, const std::string& to) {
    // Whole seconds and fractions apart: epoch seconds plus microseconds in one
    // double would lose the last digits.
    long long sa = 0, sb = 0;
    double fa = 0, fb = 0;
    if (!parse_time(from, sa, fa) || !parse_time(to, sb, fb))
        return 0;
    const double ms = static_cast<double>(sb - sa) * 1000.0 + (fb - fa) * 1000.0;
    return ms > 0 ? std::round(ms * 1000.0) / 1000.0 : 0;
}

} // namespace oneai::detail
