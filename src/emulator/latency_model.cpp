#include <oneai/emulator/latency_model.hpp>

#include "common/duration_text.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace oneai::emulator {

latency_model latency_model::fixed(duration d) {
    return {kind::fixed, d, d, 0.0};
}

latency_model latency_model::uniform(duration lo, duration hi) {
    if (hi < lo)
        throw std::invalid_argument("uniform latency: the upper bound is below the lower bound");
    return {kind::uniform, lo, hi, 0.0};
}

latency_model latency_model::lognormal(duration median, double sigma) {
    if (!(sigma >= 0) || !std::isfinite(sigma))
        throw std::invalid_argument("lognormal latency: sigma must be a non-negative number");
    return {kind::lognormal, median, median, sigma};
}

latency_model& latency_model::with_cost_per_word(duration per_word) {
    per_word_ = per_word;
    return *this;
}

latency_model latency_model::parse(std::string_view spec) {
    const std::string whole(spec);
    auto fail = [&](const std::string& why) -> latency_model {
        throw std::invalid_argument("bad latency '" + whole + "': " + why +
                                    " (examples: fixed:200ms, uniform:100ms..2s, "
                                    "lognormal:2s,0.6, fixed:50ms+1ms/word)");
    };
    duration per_word{0};
    if (auto plus = spec.find('+'); plus != std::string_view::npos) {
        std::string_view cost = spec.substr(plus + 1);
        constexpr std::string_view suffix = "/word";
        if (cost.size() <= suffix.size() || cost.substr(cost.size() - suffix.size()) != suffix)
            return fail("the per-word part must look like +2ms/word");
        per_word = common::parse_duration(cost.substr(0, cost.size() - suffix.size()));
        spec = spec.substr(0, plus);
    }
    auto colon = spec.find(':');
    if (colon == std::string_view::npos)
        return fail("expected KIND:ARGS");
    std::string_view name = spec.substr(0, colon);
    std::string_view args = spec.substr(colon + 1);
    latency_model model = fixed(duration{0});
    if (name == "fixed") {
        model = fixed(common::parse_duration(args));
    } else if (name == "uniform") {
        auto dots = args.find("..");
        if (dots == std::string_view::npos)
            return fail("uniform takes LOW..HIGH");
        model = uniform(common::parse_duration(args.substr(0, dots)),
                        common::parse_duration(args.substr(dots + 2)));
    } else if (name == "lognormal") {
        auto comma = args.find(',');
        if (comma == std::string_view::npos)
            return fail("lognormal takes MEDIAN,SIGMA");
        double sigma = 0;
        std::string_view s = args.substr(comma + 1);
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), sigma);
        if (ec != std::errc{} || end != s.data() + s.size())
            return fail("sigma must be a number");
        model = lognormal(common::parse_duration(args.substr(0, comma)), sigma);
    } else {
        return fail("unknown kind '" + std::string(name) + "'");
    }
    return model.with_cost_per_word(per_word);
}

latency_model::duration latency_model::draw(std::mt19937_64& rng, std::size_t words) const {
    duration base{0};
    switch (kind_) {
    case kind::fixed:
        base = a_;
        break;
    case kind::uniform: {
        std::uniform_int_distribution<long long> pick(a_.count(), b_.count());
        base = duration{pick(rng)};
        break;
    }
    case kind::lognormal: {
        // The median of a log-normal is exp(mu), so mu is log(median).
        double mu = std::log(std::max<double>(1.0, static_cast<double>(a_.count())));
        std::lognormal_distribution<double> pick(mu, sigma_);
        base = duration{static_cast<long long>(std::min(pick(rng), 1e13))};
        break;
    }
    }
    return base + per_word_ * static_cast<long long>(words);
}

std::string latency_model::to_string() const {
    std::string out;
    switch (kind_) {
    case kind::fixed:
        out = "fixed:" + common::format_duration(a_);
        break;
    case kind::uniform:
        out = "uniform:" + common::format_duration(a_) + ".." + common::format_duration(b_);
        break;
    case kind::lognormal: {
        char sigma[32];
        auto [end, ec] = std::to_chars(sigma, sigma + sizeof sigma, sigma_);
        (void)ec;
        out = "lognormal:" + common::format_duration(a_) + "," + std::string(sigma, end);
        break;
    }
    }
    if (per_word_.count() != 0)
        out += "+" + common::format_duration(per_word_) + "/word";
    return out;
}

} // namespace oneai::emulator
