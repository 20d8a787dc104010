// Durations, latency specs, ids, times and base64: the small parsers the
// emulator's flags and requests rely on.

#include <oneai/diagnostics.hpp>
#include <oneai/emulator/latency_model.hpp>

#include "client/core/server_time.hpp"
#include "common/duration_text.hpp"
#include "common/histogram.hpp"
#include "common/printable_text.hpp"
#include "emulator/base64.hpp"
#include "emulator/task_id.hpp"
#include "emulator/time_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

using namespace oneai::emulator;
using namespace std::chrono_literals;
using oneai::common::parse_duration;

TEST(Duration, ParsesEveryUnit) {
    EXPECT_EQ(parse_duration("500us"), 500us);
    EXPECT_EQ(parse_duration("250ms"), 250ms);
    EXPECT_EQ(parse_duration("1.5s"), 1500ms);
    EXPECT_EQ(parse_duration("2m"), 120s);
    EXPECT_EQ(parse_duration("1h"), 3600s);
}

TEST(Duration, RejectsWhatIsNotADuration) {
    for (const char* bad : {"", "ms", "10", "10 ms", "-1s", "5parsecs", "1e300s"})
        EXPECT_THROW(parse_duration(bad), std::invalid_argument) << bad;
}

TEST(Duration, AFlagsBareNumberIsSeconds) {
    using oneai::common::parse_duration_or_seconds;
    EXPECT_EQ(parse_duration_or_seconds("3"), 3s);
    EXPECT_EQ(parse_duration_or_seconds("1.5"), 1500ms);
    EXPECT_EQ(parse_duration_or_seconds("0"), 0s);
    EXPECT_EQ(parse_duration_or_seconds("250ms"), 250ms); // a unit still counts
    for (const char* bad : {"", "soon", "-1", "3 s", "1e300"})
        EXPECT_THROW(parse_duration_or_seconds(bad), std::invalid_argument) << bad;
}

TEST(LatencyModel, ParsesAndRoundTripsEachKind) {
    for (const char* spec :
         {"fixed:200ms", "uniform:100ms..2s", "lognormal:2s,0.6", "fixed:50ms+1ms/word"})
        EXPECT_EQ(latency_model::parse(spec).to_string(), spec);
}

TEST(LatencyModel, RejectsMalformedSpecs) {
    for (const char* bad : {"fixed", "fixed:", "uniform:2s", "uniform:2s..1s", "lognormal:2s",
                            "lognormal:2s,x", "gamma:1s", "fixed:1s+2ms", "fixed:1s+2ms/line"})
        EXPECT_THROW(latency_model::parse(bad), std::invalid_argument) << bad;
}

TEST(LatencyModel, DrawsStayInsideTheirDistribution) {
    std::mt19937_64 rng(7);
    auto uniform = latency_model::parse("uniform:100ms..200ms");
    for (int i = 0; i < 1000; ++i) {
        auto d = uniform.draw(rng, 0);
        ASSERT_GE(d, 100ms);
        ASSERT_LE(d, 200ms);
    }
    EXPECT_EQ(latency_model::parse("fixed:10ms+2ms/word").draw(rng, 5), 20ms);
}

TEST(LatencyModel, LognormalMedianIsTheConfiguredOne) {
    std::mt19937_64 rng(11);
    auto model = latency_model::parse("lognormal:1s,0.8");
    std::vector<long long> draws;
    for (int i = 0; i < 20001; ++i)
        draws.push_back(model.draw(rng, 0).count());
    std::nth_element(draws.begin(), draws.begin() + 10000, draws.end());
    EXPECT_NEAR(static_cast<double>(draws[10000]), 1e6, 0.05e6);
}

TEST(LatencyModel, SameSeedSameDraws) {
    auto model = latency_model::parse("lognormal:2s,0.6");
    std::mt19937_64 a(3), b(3);
    for (int i = 0; i < 100; ++i)
        ASSERT_EQ(model.draw(a, 10), model.draw(b, 10));
}

TEST(TaskId, RandomIdsAreVersion4AndRoundTrip) {
    std::mt19937_64 rng(1);
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto id = detail::task_id::random(rng);
        std::string text = id.to_string();
        ASSERT_EQ(text.size(), 36u);
        ASSERT_EQ(text[14], '4');
        ASSERT_NE(std::string("89ab").find(text[19]), std::string::npos);
        ASSERT_EQ(detail::task_id::parse(text), id);
        seen.insert(text);
    }
    EXPECT_EQ(seen.size(), 1000u);
}

TEST(TaskId, RejectsNonCanonicalText) {
    for (const char* bad :
         {"", "075f954c", "075f954c-e1d7-4b80-b24d-e460fd266c2",
          "075f954ce1d74b80b24de460fd266c2c0000", "075f954c-e1d7-4b80-b24d-e460fd266c2g",
          "075f954c_e1d7-4b80-b24d-e460fd266c2c"})
        EXPECT_FALSE(detail::task_id::parse(bad)) << bad;
    EXPECT_TRUE(detail::task_id::parse("075F954C-E1D7-4B80-B24D-E460FD266C2C"));
}

TEST(TimeText, IsoTimesHaveSixFractionDigits) {
    EXPECT_EQ(detail::format_iso_utc(1661073339007000), "2022-08-21T09:15:39.007000");
    EXPECT_EQ(detail::format_iso_utc(0), "1970-01-01T00:00:00.000000");
}

TEST(TimeText, ServiceTimesSpanInMilliseconds) {
    EXPECT_DOUBLE_EQ(
        oneai::detail::server_span_ms("2022-08-21T09:15:39.007000", "2022-08-21T09:15:41.507000"),
        2500.0);
    // Across a leap day, and from a time without a fraction.
    EXPECT_DOUBLE_EQ(oneai::detail::server_span_ms("2024-02-28T23:59:59", "2024-03-01T00:00:00.5"),
                     (86400.0 + 1.5) * 1000);
    // Agrees with the emulator's formatting over the years.
    for (std::int64_t micros : {0ll, 951782400000000ll, 1661073339007000ll, 4102444799999999ll})
        EXPECT_DOUBLE_EQ(oneai::detail::server_span_ms(detail::format_iso_utc(0),
                                                       detail::format_iso_utc(micros)),
                         std::round(static_cast<double>(micros) / 1000.0 * 1000.0) / 1000.0)
            << micros;
    EXPECT_EQ(oneai::detail::server_span_ms("yesterday", "2022-08-21T09:15:41"), 0.0);
    EXPECT_EQ(oneai::detail::server_span_ms("2022-13-21T09:15:39", "2022-08-21T09:15:41"), 0.0);
    EXPECT_EQ(oneai::detail::server_span_ms("2022-08-21T09:15:41", "2022-08-21T09:15:39"), 0.0);
}

TEST(TimeText, MediaOffsetsParseAndFormat) {
    EXPECT_EQ(detail::format_media_offset(3723456ms), "01:02:03.456");
    EXPECT_EQ(detail::parse_media_offset("0:05"), 5000ms);
    EXPECT_EQ(detail::parse_media_offset("01:02:03.4"), 3723400ms);
    EXPECT_EQ(detail::parse_media_offset("12.5"), 12500ms);
    EXPECT_FALSE(detail::parse_media_offset("soon"));
    EXPECT_FALSE(detail::parse_media_offset("1:2:3:4"));
}

TEST(Base64, DecodesWithAndWithoutPadding) {
    EXPECT_EQ(detail::decode_base64("aGVsbG8gd29ybGQ="), "hello world");
    EXPECT_EQ(detail::decode_base64("aGVsbG8gd29ybGQ"), "hello world");
    EXPECT_EQ(detail::decode_base64("aGVs\nbG8="), "hello");
    EXPECT_FALSE(detail::decode_base64("not base64!"));
    EXPECT_FALSE(detail::decode_base64("aGVsbG8=x"));
}

TEST(PrintableText, WritesOutEveryControlCharacterAndKeepsUtf8) {
    using oneai::common::printable_text;
    EXPECT_EQ(printable_text("plain text, caf\xc3\xa9"), "plain text, caf\xc3\xa9");
    EXPECT_EQ(printable_text("a\nb\rc\td"), "a\\nb\\rc\\td");
    EXPECT_EQ(printable_text(std::string_view("\x1b]0;owned\x07\0\x7f", 12)),
              "\\x1b]0;owned\\x07\\x00\\x7f");
    EXPECT_EQ(printable_text("\xc2\x9b"
                             "2J"),
              "\\u009b2J");                            // C1 CSI
    EXPECT_EQ(printable_text("\xc2\xa0"), "\xc2\xa0"); // U+00A0 is not a control
    EXPECT_EQ(printable_text("C:\\dir"), "C:\\\\dir");
    // Bidirectional overrides and isolates would show the text in another order.
    EXPECT_EQ(printable_text("abc\u202edcba\u2066x\u200f"), "abc\\u202edcba\\u2066x\\u200f");
    // Bytes that are not UTF-8 (a lone 0x9b is CSI to an 8-bit terminal), an
    // overlong form, a surrogate and a sequence cut short.
    EXPECT_EQ(printable_text("a\x9b"
                             "2Jb"),
              "a\\x9b2Jb");
    EXPECT_EQ(printable_text("\xc0\x9b"), "\\xc0\\x9b");
    EXPECT_EQ(printable_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");
    EXPECT_EQ(printable_text("\xe2\x82"), "\\xe2\\x82");
    EXPECT_EQ(printable_text("\xf0\x9f\x98\x80 ok"), "\xf0\x9f\x98\x80 ok"); // U+1F600
    // A result's text keeps its lines, tabs and backslashes, and nothing else.
    EXPECT_EQ(printable_text("one\n\ttwo\x1b[0m\r C:\\x", oneai::common::line_breaks::keep),
              "one\n\ttwo\\x1b[0m\\r C:\\x");
}

TEST(PrintableText, DiagnosticsNeverCarryTheServersControlCharacters) {
    oneai::diagnostics d;
    d.http_status = 400;
    d.message = "bad\x1b[2Jinput";
    d.details = "line one\nline two";
    EXPECT_EQ(d.to_string(), "HTTP 400; bad\\x1b[2Jinput; line one\\nline two");
}

TEST(Histogram, PercentilesAreWithinABucket) {
    oneai::common::histogram h;
    for (std::uint64_t v = 1; v <= 10000; ++v)
        h.record(v * 100);
    EXPECT_EQ(h.count(), 10000u);
    EXPECT_NEAR(h.mean(), 500050.0, 1.0);
    EXPECT_NEAR(static_cast<double>(h.percentile(0.99)), 990000.0, 990000.0 * 0.07);
    EXPECT_NEAR(static_cast<double>(h.percentile(0.5)), 500000.0, 500000.0 * 0.07);
}
