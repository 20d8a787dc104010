// The load generator's parts that need no server: the clock offset estimate,
// the arrival schedule and the generated text.

#include "load/arrival_schedule.hpp"
#include "load/clock_offset.hpp"
#include "load/generated_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

namespace oneai::load::detail {
namespace {

TEST(ClockOffset, KeepsTheSampleOfTheShortestRoundTrip) {
    clock_offset c;
    EXPECT_FALSE(c.offset_us());
    // The service's clock runs 5,000 us ahead; it stamps each creation 100 us
    // after our send, however long the answer then takes to come back.
    c.add(1'000'000, 1'000'900, 1'000'100 + 5'000); // rtt 900: midpoint off by 350
    EXPECT_EQ(*c.offset_us(), 5'000 - 350);
    c.add(2'000'000, 2'000'200, 2'000'100 + 5'000); // rtt 200: symmetric, exact
    EXPECT_EQ(*c.offset_us(), 5'000);
    EXPECT_EQ(c.error_bound_us(), 100);
    c.add(3'000'000, 3'005'000, 3'000'100 + 5'000); // a slow one changes nothing
    EXPECT_EQ(*c.offset_us(), 5'000);
}

TEST(ArrivalSchedule, ConstantArrivalsAreExactMultiplesOfTheGap) {
    arrival_schedule s(3, arrival_process::constant, 1);
    for (int k = 0; k < 1000; ++k)
        EXPECT_EQ(s.next().count(), std::llround(k * 1e9 / 3));
}

TEST(ArrivalSchedule, PoissonGapsAverageOneOverTheRate) {
    arrival_schedule s(1000, arrival_process::poisson, 7);
    std::chrono::nanoseconds last{0};
    double sum = 0, sum_squares = 0;
    const int n = 100000;
    s.next();
    for (int k = 0; k < n; ++k) {
        auto at = s.next();
        const double gap = std::chrono::duration<double>(at - last).count();
        last = at;
        sum += gap;
        sum_squares += gap * gap;
    }
    const double mean = sum / n;
    const double sd = std::sqrt(sum_squares / n - mean * mean);
    EXPECT_NEAR(mean, 0.001, 0.00002);
    EXPECT_NEAR(sd, 0.001, 0.00003); // exponential: the deviation equals the mean
}

std::size_t words_in(const std::string& text) {
    std::istringstream in(text);
    std::size_t n = 0;
    for (std::string w; in >> w;)
        ++n;
    return n;
}

TEST(GeneratedText, HasTheAskedNumberOfWords) {
    generated_text g(250, 250, 3);
    for (int i = 0; i < 20; ++i) {
        const std::string t = g.next();
        EXPECT_EQ(words_in(t), 250u);
        EXPECT_NE(t.back(), ' ');
    }
}

TEST(GeneratedText, SizesAreLogUniformOverTheRange) {
    generated_text g(10, 10000, 5);
    int per_decade[3] = {0, 0, 0};
    for (int i = 0; i < 3000; ++i) {
        const auto n = words_in(g.next());
        ASSERT_GE(n, 10u);
        ASSERT_LE(n, 10000u);
        per_decade[n < 100 ? 0 : n < 1000 ? 1 : 2]++;
    }
    for (int d : per_decade) // 1,000 expected in each decade
        EXPECT_NEAR(d, 1000, 100);
}

} // namespace
} // namespace oneai::load::detail
