#include <oneai/backoff.hpp>

#include "common/duration_text.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace oneai {

using std::chrono::milliseconds;

backoff backoff::constant(duration d) {
    return {kind::constant, d, d, 1.0};
}
backoff backoff::exponential(duration base, duration cap, double multiplier) {
    if (multiplier < 1.0)
        throw std::invalid_argument("backoff: the multiplier must be at least 1");
    return {kind::exponential, base, std::max(base, cap), multiplier};
}
backoff backoff::full_jitter(duration base, duration cap) {
    return {kind::full_jitter, base, std::max(base, cap), 2.0};
}
backoff backoff::equal_jitter(duration base, duration cap) {
    return {kind::equal_jitter, base, std::max(base, cap), 2.0};
}
backoff backoff::decorrelated_jitter(duration base, duration cap) {
    return {kind::decorrelated_jitter, base, std::max(base, cap), 3.0};
}

milliseconds backoff::exponential_bound(unsigned attempt) const {
    // min(cap, base * m^attempt) without overflowing for large attempts.
    double bound =
        static_cast<double>(base_.count()) * std::pow(multiplier_, std::min(attempt, 64u));
    return bound >= static_cast<double>(cap_.count()) ? cap_
                                                      : milliseconds{static_cast<long long>(bound)};
}

milliseconds backoff::delay(unsigned attempt, duration previous, std::mt19937_64& rng) const {
    auto uniform = [&](long long lo, long long hi) {
        return milliseconds{hi <= lo ? lo : std::uniform_int_distribution<long long>(lo, hi)(rng)};
    };
    switch (kind_) {
    case kind::constant:
        return base_;
    case kind::exponential:
        return exponential_bound(attempt);
    case kind::full_jitter:
        return uniform(0, exponential_bound(attempt).count());
    case kind::equal_jitter: {
        long long e = exponential_bound(attempt).count();
        return milliseconds{e / 2} + uniform(0, e - e / 2);
    }
    case kind::decorrelated_jitter: {
        const long long prev = std::max(previous, base_).count();
        // prev * 3 saturates at the cap rather than overflowing.
        const long long high = prev > cap_.count() / 3 ? cap_.count() : prev * 3;
        return std::min(cap_, uniform(base_.count(), high));
    }
    }
    return base_;
}

backoff backoff::parse(std::string_view spec) {
    const std::string whole(spec);
    auto colon = spec.find(':');
    if (colon == std::string_view::npos)
        throw std::invalid_argument(
            "bad backoff '" + whole +
            "': expected KIND:ARGS (fixed:1s, exp:250ms..8s, full:100ms..5s, "
            "equal:100ms..5s, decorrelated:250ms..8s)");
    std::string_view name = spec.substr(0, colon), args = spec.substr(colon + 1);
    auto d = [&](std::string_view t) {
        return std::chrono::duration_cast<milliseconds>(common::parse_duration(t));
    };
    if (name == "fixed" || name == "constant")
        return constant(d(args));
    auto dots = args.find("..");
    if (dots == std::string_view::npos)
        throw std::invalid_argument("bad backoff '" + whole + "': " + std::string(name) +
                                    " takes BASE..CAP");
    milliseconds base = d(args.substr(0, dots)), cap = d(args.substr(dots + 2));
    if (cap < base)
        throw std::invalid_argument("bad backoff '" + whole + "': the cap is below the base");
    if (name == "exp" || name == "exponential")
        return exponential(base, cap);
    if (name == "full")
        return full_jitter(base, cap);
    if (name == "equal")
        return equal_jitter(base, cap);
    if (name == "decorrelated")
        return decorrelated_jitter(base, cap);
    throw std::invalid_argument("bad backoff '" + whole + "': unknown kind '" + std::string(name) +
                                "'");
}

std::string backoff::to_string() const {
    auto f = [](milliseconds m) { return common::format_duration(m); };
    switch (kind_) {
    case kind::constant:
        return "fixed:" + f(base_);
    case kind::exponential:
        return "exp:" + f(base_) + ".." + f(cap_);
    case kind::full_jitter:
        return "full:" + f(base_) + ".." + f(cap_);
    case kind::equal_jitter:
        return "equal:" + f(base_) + ".." + f(cap_);
    case kind::decorrelated_jitter:
        return "decorrelated:" + f(base_) + ".." + f(cap_);
    }
    return {};
}

} // namespace oneai
