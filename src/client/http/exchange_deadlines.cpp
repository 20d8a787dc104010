#include "exchange_deadlines.hpp"

namespace oneai::detail {

struct exchange_deadlines::state : std::enable_shared_from_this<state> {
    explicit state(boost::asio::any_io_executor ex) : timer(std::move(ex)) {}

    boost::asio::steady_timer timer;
    std::vector<watched*> list;
    bool armed = false;

    void arm() {
        if (armed || list.empty())
            return;
        armed = true;
        timer.expires_after(tick);
        timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            auto self = weak.lock();
            if (!self || ec)
                return;
            if (!self->armed)
                return; // disarmed after this tick was queued; a later arm() has its own
            self->armed = false;
            self->sweep();
            self->arm();
        });
    }

    // Nothing watched: stop ticking, so that a pending tick never keeps the
    // io_context's run() going (it would return up to a tick late).
    void disarm_if_idle() noexcept {
        if (!armed || !list.empty())
            return;
        armed = false;
        timer.cancel(); // throws only on a system error, which a timer's cancel has not
    }

    void sweep() {
        const auto now = clock::now();
        for (std::size_t i = 0; i < list.size();) {
            watched* w = list[i];
            if (w->deadline_ > now) {
                ++i;
                continue;
            }
            remove(*w); // the last one moves into slot i: look at it next
            w->expire();
        }
    }

    void remove(watched& w) noexcept {
        const std::size_t at = w.slot_;
        list[at] = list.back();
        list[at]->slot_ = at;
        list.pop_back();
        w.slot_ = SIZE_MAX;
    }
};

exchange_deadlines::exchange_deadlines(boost::asio::any_io_executor ex)
    : state_(std::make_shared<state>(std::move(ex))) {}

exchange_deadlines::~exchange_deadlines() {
    for (watched* w : state_->list)
        w->slot_ = SIZE_MAX;
    state_->list.clear();
    state_->timer.cancel();
}

void exchange_deadlines::watch(watched& w, clock::time_point until) {
    w.deadline_ = until;
    if (w.slot_ == SIZE_MAX) {
        w.slot_ = state_->list.size();
        state_->list.push_back(&w);
    }
    state_->arm();
}

void exchange_deadlines::unwatch(watched& w) noexcept {
    if (w.slot_ == SIZE_MAX)
        return;
    state_->remove(w);
    state_->disarm_if_idle();
}

} // namespace oneai::detail
