#pragma once

#include <oneai/detail/diagnostics_slot.hpp>
#include <oneai/detail/forward_associations.hpp>
#include <oneai/error_with_diagnostics.hpp>

#include <boost/asio/async_result.hpp>

#include <exception>
#include <memory>
#include <utility>

namespace oneai {

/// The completion token made by with_diagnostics(); use that function rather
/// than this type.
template <typename InnerToken>
struct with_diagnostics_t {
    InnerToken inner; ///< the token that receives the result or the exception
};

/// A completion-token adapter: `oneai::with_diagnostics(asio::use_awaitable)`
/// turns an operation's `void(error_code, T)` into `void(exception_ptr, T)`
/// whose exception is an error_with_diagnostics, so that code which lets
/// errors throw still learns the server's message, request id and task id.
///
///     oneai::result r = co_await c.async_run(p, in, oneai::with_diagnostics(asio::use_awaitable));
///
/// When the operation was also given a diagnostics object, that object is
/// filled too; otherwise the adapter keeps one until the completion.
template <typename InnerToken>
with_diagnostics_t<std::decay_t<InnerToken>> with_diagnostics(InnerToken&& token) {
    return {std::forward<InnerToken>(token)};
}

namespace detail {

template <typename Handler, typename T>
struct throwing_handler {
    Handler handler;
    std::shared_ptr<diagnostics> diag;

    void operator()(error_code ec, T value) {
        std::exception_ptr ep;
        if (ec)
            ep = std::make_exception_ptr(error_with_diagnostics(ec, *diag)); // the caller's stays
        std::move(handler)(ep, std::move(value));
    }
};

} // namespace detail
} // namespace oneai

template <typename InnerToken, typename T>
struct boost::asio::async_result<oneai::with_diagnostics_t<InnerToken>,
                                 void(oneai::error_code, T)> {
    template <typename Initiation, typename... Args>
    static auto initiate(Initiation&& init, oneai::with_diagnostics_t<InnerToken> token,
                         oneai::detail::diagnostics_slot slot, Args&&... args) {
        return boost::asio::async_initiate<InnerToken, void(std::exception_ptr, T)>(
            [init = std::forward<Initiation>(init)](
                auto handler, oneai::detail::diagnostics_slot slot, auto&&... rest) mutable {
                // The operation writes into the caller's diagnostics if it gave
                // one, or into storage this adapter owns until completion.
                auto diag = slot.target
                                ? std::shared_ptr<oneai::diagnostics>(slot.target, [](auto*) {})
                                : std::make_shared<oneai::diagnostics>();
                std::move(init)(
                    oneai::detail::throwing_handler<decltype(handler), T>{std::move(handler), diag},
                    oneai::detail::diagnostics_slot{diag.get()},
                    std::forward<decltype(rest)>(rest)...);
            },
            token.inner, slot, std::forward<Args>(args)...);
    }

    /// For an operation that fills no diagnostics (and for the check of
    /// `BOOST_ASIO_COMPLETION_TOKEN_FOR`, which initiates without arguments):
    /// its errors still throw, with empty diagnostics.
    template <typename Initiation>
    static auto initiate(Initiation&& init, oneai::with_diagnostics_t<InnerToken> token) {
        return boost::asio::async_initiate<InnerToken, void(std::exception_ptr, T)>(
            [init = std::forward<Initiation>(init)](auto handler) mutable {
                std::move(init)(oneai::detail::throwing_handler<decltype(handler), T>{
                    std::move(handler), std::make_shared<oneai::diagnostics>()});
            },
            token.inner);
    }
};

// The adapted handler keeps the inner handler's executor, allocator and
// cancellation slot, so cancellation and strands work through the adapter.
template <template <typename, typename> class Associator, typename Handler, typename T,
          typename DefaultCandidate>
struct boost::asio::associator<Associator, oneai::detail::throwing_handler<Handler, T>,
                               DefaultCandidate>
    : oneai::detail::forward_associations<Associator, oneai::detail::throwing_handler<Handler, T>,
                                          Handler, DefaultCandidate> {};
