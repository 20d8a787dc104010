#include <oneai/poll_policy.hpp>

#include "common/duration_text.hpp"

#include <stdexcept>
#include <string>

namespace oneai {

poll_policy poll_policy::adaptive(std::chrono::milliseconds target_delay) {
    poll_policy p;
    p.mode = poll_mode::adaptive;
    p.target_delay = target_delay;
    return p;
}

poll_policy poll_policy::scheduled(backoff delays) {
    poll_policy p;
    p.mode = poll_mode::schedule;
    p.initial_delay = delays.base();
    p.delays = delays;
    return p;
}

poll_policy poll_policy::parse(std::string_view spec) {
    if (spec == "adaptive")
        return adaptive();
    if (spec.starts_with("adaptive:")) {
        const auto target = std::chrono::duration_cast<std::chrono::milliseconds>(
            common::parse_duration(spec.substr(9)));
        if (target.count() <= 0)
            throw std::invalid_argument("the adaptive target delay must be positive");
        return adaptive(target);
    }
    return scheduled(backoff::parse(spec));
}

} // namespace oneai
