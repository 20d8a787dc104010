#include "server_time.hpp"

#include <cmath>

namespace oneai::detail {
namespace {

// Days from 1970-01-01 to a civil date (proleptic Gregorian): eras of 400
// years, each 146097 days, counted from March so the leap day falls last.
long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(y - era * 400);
    const unsigned day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<long long>(day_of_era) - 719468;
}

// "YYYY-MM-DDTHH:MM:SS[.ffffff]", read by hand: it is parsed for every
// finished task, and sscanf and timegm cost more than the rest of the answer.
bool parse_time(const std::string& t, long long& seconds, double& fraction) {
    auto digits = [&](std::size_t at, std::size_t n, unsigned& out) {
        if (at + n > t.size())
            return false;
        out = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (t[i] < '0' || t[i] > '9')
                return false;
            out = out * 10 + static_cast<unsigned>(t[i] - '0');
        }
        return true;
    };
    unsigned year, month, day, hour, minute, second;
    if (!digits(0, 4, year) || t[4] != '-' || !digits(5, 2, month) || t[7] != '-' ||
        !digits(8, 2, day) || (t[10] != 'T' && t[10] != ' ') || !digits(11, 2, hour) ||
        t[13] != ':' || !digits(14, 2, minute) || t[16] != ':' || !digits(17, 2, second))
        return false;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return false;
    fraction = 0;
    if (t.size() > 19 && t[19] == '.') {
        double scale = 0.1;
        for (std::size_t i = 20; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, scale /= 10)
            fraction += (t[i] - '0') * scale;
    }
    seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
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

std::optional<std::int64_t> server_time_unix_us(const std::string& t) {
    long long seconds = 0;
    double fraction = 0;
    if (!parse_time(t, seconds, fraction))
        return std::nullopt;
    return seconds * 1000000 + static_cast<std::int64_t>(std::llround(fraction * 1e6));
}

} // namespace oneai::detail
