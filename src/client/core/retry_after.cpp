#include "retry_after.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <ctime>

namespace oneai::detail {
namespace {

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
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size();
}

// IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" and RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT".
std::optional<std::time_t> parse_http_date(std::string_view v) {
    auto comma = v.find(", ");
    if (comma == std::string_view::npos)
        return std::nullopt;
    std::string_view rest = v.substr(comma + 2);
    std::tm tm{};
    int day = 0, year = 0, h = 0, m = 0, s = 0;
    std::string_view month;
    if (rest.size() == 24 && rest[2] == ' ' && rest[6] == ' ' && rest[11] == ' ' &&
        rest.substr(20) == " GMT") {
        if (!read_int(rest.substr(0, 2), day) || !read_int(rest.substr(7, 4), year))
            return std::nullopt;
        month = rest.substr(3, 3);
        rest = rest.substr(12, 8);
    } else if (rest.size() == 22 && rest[2] == '-' && rest[6] == '-' && rest.substr(18) == " GMT") {
        if (!read_int(rest.substr(0, 2), day) || !read_int(rest.substr(7, 2), year))
            return std::nullopt;
        year += year < 70 ? 2000 : 1900;
        month = rest.substr(3, 3);
        rest = rest.substr(10, 8);
    } else {
        return std::nullopt;
    }
    if (rest[2] != ':' || rest[5] != ':' || !read_int(rest.substr(0, 2), h) ||
        !read_int(rest.substr(3, 2), m) || !read_int(rest.substr(6, 2), s))
        return std::nullopt;
    int mon = month_index(month);
    if (mon < 0 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60)
        return std::nullopt;
    tm.tm_year = year - 1900;
    tm.tm_mon = mon;
    tm.tm_mday = day;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = s;
    return timegm(&tm);
}

} // namespace

std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    if (value.empty())
        return std::nullopt;
    if (value.front() >= '0' && value.front() <= '9') {
        long long seconds = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (ec != std::errc{} || end != value.data() + value.size())
            return std::nullopt;
        return std::chrono::milliseconds{std::min(seconds, 86'400LL * 365) * 1000};
    }
    auto when = parse_http_date(value);
    if (!when)
        return std::nullopt;
    auto delta = std::chrono::system_clock::from_time_t(*when) - now;
    return std::max(std::chrono::milliseconds{0},
                    std::chrono::duration_cast<std::chrono::milliseconds>(delta));
}

} // namespace oneai::detail
