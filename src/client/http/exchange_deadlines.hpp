#pragma once
// The timeouts of every exchange of a pool on one timer. Beast's tcp_stream
// arms a timer for each read and each write (three or more a request, each an
// allocation and two timer-queue updates); a request timeout of seconds needs
// no such precision. Here each exchange just records its deadline, and one
// timer, ticking while anything is watched, expires the late ones (within a
// tick of their deadline).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace oneai::detail {

class exchange_deadlines {
  public:
    using clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds tick{50};

    /// What is watched: told when its deadline passes.
    class watched {
      public:
        virtual void expire() = 0;

      protected:
        ~watched() = default;

      private:
        friend class exchange_deadlines;
        clock::time_point deadline_{};
        std::size_t slot_ = SIZE_MAX; // in the watch list; SIZE_MAX: not watched
    };

    explicit exchange_deadlines(boost::asio::any_io_executor ex);
    ~exchange_deadlines();
    exchange_deadlines(const exchange_deadlines&) = delete;
    exchange_deadlines& operator=(const exchange_deadlines&) = delete;

    /// Calls w.expire() once `until` has passed, unless unwatched before.
    void watch(watched& w, clock::time_point until);
    void unwatch(watched& w) noexcept;

  private:
    struct state;
    std::shared_ptr<state> state_; // the timer's handler holds it weakly
};

} // namespace oneai::detail
