#include "time_text.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <vector>

namespace oneai::emulator::detail {

std::string format_iso_utc(std::int64_t unix_micros) {
    std::time_t seconds = static_cast<std::time_t>(unix_micros / 1'000'000);
    long micros = static_cast<long>(unix_micros % 1'000'000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char out[64];
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, micros);
    return out;
}

std::string format_http_date(std::int64_t unix_seconds, config::retry_after_format form) {
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* long_days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                "Thursday", "Friday", "Saturday"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t when = static_cast<std::time_t>(unix_seconds);
    std::tm utc{};
    gmtime_r(&when, &utc);
    char out[64];
    using enum config::retry_after_format;
    if (form == rfc850_date) // Sunday, 06-Nov-94 08:49:37 GMT
        std::snprintf(out, sizeof out, "%s, %02d-%s-%02d %02d:%02d:%02d GMT",
                      long_days[utc.tm_wday], utc.tm_mday, months[utc.tm_mon], utc.tm_year % 100,
                      utc.tm_hour, utc.tm_min, utc.tm_sec);
    else if (form == asctime_date) // Sun Nov  6 08:49:37 1994
        std::snprintf(out, sizeof out, "%s %s %2d %02d:%02d:%02d %04d", days[utc.tm_wday],
                      months[utc.tm_mon], utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                      utc.tm_year + 1900);
    else // Sun, 06 Nov 1994 08:49:37 GMT
        std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[utc.tm_wday],
                      utc.tm_mday, months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                      utc.tm_sec);
    return out;
}

std::int64_t unix_micros_now() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_media_offset(std::chrono::milliseconds offset) {
    long long ms = offset.count();
    char out[40];
    std::snprintf(out, sizeof out, "%02lld:%02lld:%02lld.%03lld", ms / 3'600'000, ms / 60'000 % 60,
                  ms / 1000 % 60, ms % 1000);
    return out;
}

std::optional<std::chrono::milliseconds> parse_media_offset(std::string_view text) {
    constexpr long long max_offset_part = 1'000'000'000'000;
    std::string_view fraction;
    if (auto dot = text.find('.'); dot != std::string_view::npos) {
        fraction = text.substr(dot + 1);
        text = text.substr(0, dot);
    }
    std::vector<long long> parts;
    while (true) {
        auto colon = text.find(':');
        std::string_view part = text.substr(0, colon);
        long long value = 0;
        auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
        // The bound keeps hours * 3600 * 1000 far from overflowing (2^63 ms is
        // 292 million years).
        if (part.empty() || ec != std::errc{} || end != part.data() + part.size() || value < 0 ||
            value > max_offset_part)
            return std::nullopt;
        parts.push_back(value);
        if (colon == std::string_view::npos)
            break;
        text = text.substr(colon + 1);
    }
    if (parts.size() > 3)
        return std::nullopt;
    long long seconds = 0;
    for (long long p : parts)
        seconds = seconds * 60 + p;
    long long millis = 0;
    int digits = 0;
    for (char c : fraction) {
        if (c < '0' || c > '9')
            return std::nullopt;
        if (digits < 3) {
            millis = millis * 10 + (c - '0');
            ++digits;
        }
    }
    while (digits < 3) {
        millis *= 10;
        ++digits;
    }
    return std::chrono::milliseconds{seconds * 1000 + millis};
}

} // namespace oneai::emulator::detail
