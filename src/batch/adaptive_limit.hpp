#pragma once
// The in-flight limit of a batch, adapted like TCP's congestion window. It
// starts at `start` and, until the first 429, grows by one per *accepted*
// submit (slow start: it doubles every submit round trip, so long tasks do not
// starve the ramp) so that a batch does not open with a burst the service
// refuses. A 429 says the service's concurrency limit is
// about the number of tasks in flight at that moment: the limit drops to 90%
// of that (a multiplicative decrease, at most once per `cooldown`, since one
// burst brings many 429s) and from then on grows by 1/limit per accepted
// submit, i.e. by one per window. So a batch settles just under the service's limit.
// Sans-I/O.

#include <chrono>
#include <cstddef>

namespace oneai::detail {

class adaptive_limit {
  public:
    using clock = std::chrono::steady_clock;
    adaptive_limit(std::size_t initial, std::size_t maximum,
                   clock::duration cooldown = std::chrono::seconds(1));

    /// `in_flight`: tasks submitted and not finished when the 429 arrived.
    void on_rate_limited(clock::time_point now, std::size_t in_flight);
    /// The service accepted a submit. `limited`: the limit was what held the
    /// batch back (all its slots were taken). Only then does it grow: a batch
    /// held back by something else (a slow source, the client's own speed) has
    /// not shown that the service takes more.
    void on_accepted(bool limited);
    std::size_t current() const noexcept { return static_cast<std::size_t>(limit_); }
    std::size_t decreases() const noexcept { return decreases_; }

  private:
    double limit_;
    double maximum_;
    clock::duration cooldown_;
    clock::time_point last_decrease_{};
    bool decreased_ = false; // false: still in slow start
    std::size_t decreases_ = 0;
};

} // namespace oneai::detail
