#pragma once

#include <oneai/detail/forward_associations.hpp>
#include <oneai/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace oneai {

/// The completion token made by with_deadline(); use that function rather
/// than this type.
template <typename InnerToken>
struct deadline_t {
    boost::asio::any_io_executor executor;       ///< runs the deadline's timer
    std::chrono::steady_clock::duration timeout; ///< from the operation's start
    boost::asio::cancellation_type type;         ///< what the deadline emits
    InnerToken inner;                            ///< the token that receives the result
};

/// A completion-token adapter that bounds an operation in time (Asio 1.26 has
/// no cancel_after):
///
///     c.async_wait(t, oneai::with_deadline(ex, 5s, asio::use_awaitable));
///
/// The timer starts when the operation does, on executor `ex`. When `timeout`
/// runs out the operation is cancelled with `type` (terminal by default; pass
/// partial to merely stop waiting) and completes with errc::deadline_exceeded.
/// The caller's own cancellation, bound to `token`, still works. For
/// operations that complete with `void(error_code, T)`.
template <typename InnerToken>
deadline_t<std::decay_t<InnerToken>>
with_deadline(boost::asio::any_io_executor ex, std::chrono::steady_clock::duration timeout,
              InnerToken&& token,
              boost::asio::cancellation_type type = boost::asio::cancellation_type::terminal) {
    return {std::move(ex), timeout, type, std::forward<InnerToken>(token)};
}

namespace detail {

struct deadline_state {
    deadline_state(boost::asio::any_io_executor ex, std::chrono::steady_clock::duration d)
        : timer(std::move(ex), d) {}
    boost::asio::steady_timer timer;
    boost::asio::cancellation_signal signal;
    bool expired = false;
};

template <typename Handler, typename T>
struct deadline_handler {
    Handler handler;
    std::shared_ptr<deadline_state> state;

    void operator()(error_code ec, T value) {
        state->timer.cancel();
        boost::asio::get_associated_cancellation_slot(handler).clear();
        if (ec && state->expired)
            ec = errc::deadline_exceeded;
        std::move(handler)(ec, std::move(value));
    }
};

} // namespace detail
} // namespace oneai

template <typename InnerToken, typename T>
struct boost::asio::async_result<oneai::deadline_t<InnerToken>, void(oneai::error_code, T)> {
    template <typename Initiation, typename... Args>
    static auto initiate(Initiation&& init, oneai::deadline_t<InnerToken> token, Args&&... args) {
        return boost::asio::async_initiate<InnerToken, void(oneai::error_code, T)>(
            [init = std::forward<Initiation>(init), ex = token.executor, timeout = token.timeout,
             type = token.type](auto handler, auto&&... rest) mutable {
                auto state = std::make_shared<oneai::detail::deadline_state>(ex, timeout);
                auto outer = boost::asio::get_associated_cancellation_slot(handler);
                // Weak: the handler may be destroyed without ever running, and
                // the caller's slot may still be emitted afterwards.
                if (outer.is_connected())
                    outer.assign([weak = std::weak_ptr(state)](boost::asio::cancellation_type t) {
                        if (auto s = weak.lock())
                            s->signal.emit(t);
                    });
                state->timer.async_wait([weak = std::weak_ptr(state), type](oneai::error_code ec) {
                    if (auto s = weak.lock(); s && !ec) {
                        s->expired = true;
                        s->signal.emit(type);
                    }
                });
                auto slot = state->signal.slot();
                std::move(init)(boost::asio::bind_cancellation_slot(
                                    slot,
                                    oneai::detail::deadline_handler<decltype(handler), T>{
                                        std::move(handler), std::move(state)}),
                                std::forward<decltype(rest)>(rest)...);
            },
            token.inner, std::forward<Args>(args)...);
    }
};

// The wrapper keeps the inner handler's executor and allocator.
template <template <typename, typename> class Associator, typename Handler, typename T,
          typename DefaultCandidate>
struct boost::asio::associator<Associator, oneai::detail::deadline_handler<Handler, T>,
                               DefaultCandidate>
    : oneai::detail::forward_associations<Associator, oneai::detail::deadline_handler<Handler, T>,
                                          Handler, DefaultCandidate> {};
