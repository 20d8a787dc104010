#include "retry_after.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cstring>
#include <ctime>

namespace oneai::detail {
namespace {

// Hints are cut to a year, so that no arithmetic on them can overflow.
constexpr long long longest_hint_seconds = 86'400LL * 365;

int month_index(std::string_view m) {
    constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (std::size_t i = 0; i < months.size(); ++i) {
        if (months[i] == m)
            return static_cast<int>(i);
    }
    return -1;
}

bool read_int(std::string_view s, int& out) {
    if (s.empty() || s.front() < '0' || s.front() > '9') // no sign: "23:30:-2" is no time
        return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size();
}

// The UTC time of a date's parts, `hms` being "hh:mm:ss"; nullopt when any
// part is out of range.
std::optional<std::time_t> utc_time(int year, std::string_view month, int day,
                                    std::string_view hms) {
    int h = 0, m = 0, s = 0;
    const int mon = month_index(month);
    if (hms.size() != 8 || hms[2] != ':' || hms[5] != ':' || !read_int(hms.substr(0, 2), h) ||
        !read_int(hms.substr(3, 2), m) || !read_int(hms.substr(6, 2), s) || mon < 0 || day < 1 ||
        day > 31 || h > 23 || m > 59 || s > 60)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = mon;
    tm.tm_mday = day;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = s;
    return timegm(&tm);
}

// asctime "Sun Nov  6 08:49:37 1994" (the day padded with a space).
std::optional<std::time_t> parse_asctime_date(std::string_view v) {
    if (v.size() != 24 || v[3] != ' ' || v[7] != ' ' || v[10] != ' ' || v[19] != ' ')
        return std::nullopt;
    int day = 0, year = 0;
    std::string_view day_text = v.substr(8, 2);
    if (day_text.front() == ' ')
        day_text.remove_prefix(1);
    if (!read_int(day_text, day) || !read_int(v.substr(20, 4), year))
        return std::nullopt;
    return utc_time(year, v.substr(4, 3), day, v.substr(11, 8));
}

// IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT",
// and asctime.
std::optional<std::time_t> parse_http_date(std::string_view v) {
    auto comma = v.find(", ");
    if (comma == std::string_view::npos)
        return parse_asctime_date(v);
    const std::string_view rest = v.substr(comma + 2);
    int day = 0, year = 0;
    if (rest.size() == 24 && rest[2] == ' ' && rest[6] == ' ' && rest[11] == ' ' &&
        rest.substr(20) == " GMT") {
        if (!read_int(rest.substr(0, 2), day) || !read_int(rest.substr(7, 4), year))
            return std::nullopt;
        return utc_time(year, rest.substr(3, 3), day, rest.substr(12, 8));
    }
    if (rest.size() == 22 && rest[2] == '-' && rest[6] == '-' && rest.substr(18) == " GMT") {
        if (!read_int(rest.substr(0, 2), day) || !read_int(rest.substr(7, 2), year))
            return std::nullopt;
        year += year < 70 ? 2000 : 1900;
        return utc_time(year, rest.substr(3, 3), day, rest.substr(10, 8));
    }
    return std::nullopt;
}

std::string_view trimmed(std::string_view value) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    return value;
}

} // namespace

std::optional<std::chrono::milliseconds> parse_retry_after_ms(std::string_view value) {
    value = trimmed(value);
    unsigned long long ms = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (value.empty() || end != value.data() + value.size())
        return std::nullopt;
    if (ec == std::errc::result_out_of_range)
        ms = ULLONG_MAX;
    else if (ec != std::errc{})
        return std::nullopt;
    const unsigned long long longest = static_cast<unsigned long long>(longest_hint_seconds) * 1000;
    return std::chrono::milliseconds{static_cast<long long>(std::min(ms, longest))};
}

std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
    value = trimmed(value);
    if (value.empty())
        return std::nullopt;
    if (value.front() >= '0' && value.front() <= '9') {
        long long seconds = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (end != value.data() + value.size())
            return std::nullopt;
        if (ec == std::errc::result_out_of_range)
            seconds = longest_hint_seconds; // saturates
        else if (ec != std::errc{})
            return std::nullopt;
        return std::chrono::milliseconds{std::min(seconds, longest_hint_seconds) * 1000};
    }
    auto when = parse_http_date(value);
    if (!when)
        return std::nullopt;
    // In whole seconds of time_t: a date past 2262 does not fit the clock's
    // nanoseconds, so it is never converted to a time_point.
    const long long seconds_left =
        static_cast<long long>(*when) -
        static_cast<long long>(std::chrono::system_clock::to_time_t(now));
    return std::chrono::milliseconds{std::clamp(seconds_left, 0LL, longest_hint_seconds) * 1000};
}

} // namespace oneai::detail
