#include <oneai/client_base.hpp>

#include "client_access.hpp"
#include "client_impl.hpp"

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/system_executor.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/assert.hpp>

#include <variant>

namespace oneai {
namespace {

// Runs one operation's coroutine: links the caller's cancellation slot and the
// client's shutdown to it, keeps the diagnostics in place, and delivers the
// outcome on the caller's executor. What touches the caller's objects (its
// diagnostics, its slot) happens here, on the caller's thread; what touches the
// client's state happens on the client's executor (see client_base::impl::in_client).
template <typename T, typename MakeCoroutine>
void launch(const std::shared_ptr<client_base::impl>& self, diagnostics* caller_diag,
            asio::any_completion_handler<void(error_code, T)> handler,
            asio::cancellation_type accepted, MakeCoroutine make) {
    struct op_state {
        asio::cancellation_signal signal;
        diagnostics own_diag;
        // Cancellations requested so far: one that arrives before the coroutine
        // first runs would otherwise be lost when it installs its filter.
        asio::cancellation_type requested = asio::cancellation_type::none;
    };
    auto state = std::make_shared<op_state>();
    diagnostics& diag = caller_diag ? *caller_diag : state->own_diag;
    diag.clear();
    auto caller_slot = asio::get_associated_cancellation_slot(handler);
    // Weak: the handler may be destroyed without running (its io_context gone)
    // while the caller's slot lives on and is emitted later. The caller emits
    // on its own thread; the operation's signal is emitted on the client's.
    if (caller_slot.is_connected())
        caller_slot.assign([weak = std::weak_ptr(state),
                            weak_client = std::weak_ptr(self)](asio::cancellation_type t) {
            auto client_state = weak_client.lock();
            if (!client_state)
                return;
            client_state->in_client([weak, t] {
                if (auto s = weak.lock()) {
                    s->requested = s->requested | t;
                    s->signal.emit(t);
                }
            });
        });
    // The handler's executor has work until the handler runs (as Asio's own
    // operations do), so its io_context does not run out while we poll.
    auto work = asio::prefer(asio::get_associated_executor(handler, self->ex),
                             asio::execution::outstanding_work.tracked);

    auto body = [](std::shared_ptr<client_base::impl> self, std::shared_ptr<op_state> state,
                   asio::cancellation_type accepted, MakeCoroutine make,
                   diagnostics& diag) -> asio::awaitable<outcome<T>> {
        co_await asio::this_coro::reset_cancellation_state(
            [accepted](asio::cancellation_type t) { return t & accepted; });
        // Cancellation is reported as an error code, never thrown out of an await.
        co_await asio::this_coro::throw_if_cancelled(false);
        if ((state->requested & accepted) != asio::cancellation_type::none)
            co_return error_code(asio::error::operation_aborted);
        co_return co_await make(*self, diag, state->requested);
    };
    auto finish = [self, state, &diag, work = std::move(work), handler = std::move(handler)](
                      auto registration, std::exception_ptr ep, outcome<T> done) mutable {
        self->running.erase(registration);
        --self->counters.in_flight;
        if (ep) { // a bug or an allocation failure: report it, do not lose the handler
            try {
                std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                diag.message = e.what();
            } catch (...) {
                diag.message = "unknown exception";
            }
            done = error_code(errc::internal); // ours, not the server's
        }
        const auto alloc = asio::get_associated_allocator(handler);
        asio::dispatch(work, asio::bind_allocator(alloc, [handler = std::move(handler), state,
                                                          done = std::move(done)]() mutable {
                           // On the caller's executor, where its slot is emitted.
                           asio::get_associated_cancellation_slot(handler).clear();
                           if (done)
                               std::move(handler)(error_code{}, std::move(*done));
                           else
                               std::move(handler)(done.error(), T{});
                       }));
    };
    self->in_client([self, state, accepted, make = std::move(make), &diag,
                     finish = std::move(finish), body]() mutable {
        // The client's list shares the state (no allocation of its own for the signal).
        auto registration = self->running.insert(
            self->running.end(), std::shared_ptr<asio::cancellation_signal>(state, &state->signal));
        ++self->counters.in_flight;
        asio::co_spawn(
            self->ex, body(self, state, accepted, std::move(make), diag),
            asio::bind_cancellation_slot(state->signal.slot(),
                                         [registration, finish = std::move(finish)](
                                             std::exception_ptr ep, outcome<T> done) mutable {
                                             finish(registration, ep, std::move(done));
                                         }));
    });
}

constexpr auto any_cancellation = asio::cancellation_type::terminal |
                                  asio::cancellation_type::partial | asio::cancellation_type::total;

// What each operation's coroutine is, given its parameters.
auto coroutine_of(submit_params p) {
    return [p = std::move(p)](client_base::impl& self, diagnostics& d,
                              const asio::cancellation_type& asked) mutable {
        return self.submit(std::move(p.p), std::move(p.in), self.task_deadline(), d, &asked);
    };
}
auto coroutine_of(status_params p, detail::result_decoding how = detail::result_decoding::typed) {
    return [t = std::move(p.t), how](client_base::impl& self, diagnostics& d,
                                     const asio::cancellation_type&) mutable {
        return self.status(std::move(t), self.task_deadline(), d, how);
    };
}
auto coroutine_of(wait_params p) {
    return [p = std::move(p)](client_base::impl& self, diagnostics& d,
                              const asio::cancellation_type&) mutable {
        return self.wait(std::move(p.t), p.policy ? std::move(*p.policy) : self.opts.polling,
                         self.task_deadline(), d);
    };
}
auto coroutine_of(run_params p) {
    return [p = std::move(p)](client_base::impl& self, diagnostics& d,
                              const asio::cancellation_type& asked) mutable {
        return self.run(std::move(p.p), std::move(p.in), d, &asked);
    };
}
auto coroutine_of(run_sync_params p) {
    return [p = std::move(p)](client_base::impl& self, diagnostics& d,
                              const asio::cancellation_type&) mutable {
        return self.run_sync(std::move(p.p), std::move(p.in), d);
    };
}

/// Completes an operation of a moved-from client with client_shutdown, on the
/// handler's executor and never inline, as any initiation.
template <typename T>
void complete_without_a_client(detail::operation_handler<T> handler) {
    auto ex = asio::prefer(asio::get_associated_executor(handler, asio::system_executor()),
                           asio::execution::blocking.never);
    ex.execute([h = std::move(handler)]() mutable {
        std::move(h)(error_code(errc::client_shutdown), T{});
    });
}

} // namespace

void detail::client_access::start(const std::shared_ptr<client_base::impl>& self,
                                  any_operation_params params, diagnostics* diag,
                                  any_operation_handler handler) {
    BOOST_ASSERT_MSG(self, "an operation of a moved-from client");
    std::visit(
        [&](auto& p) {
            using value_type = typename std::decay_t<decltype(p)>::value_type;
            launch<value_type>(self, diag,
                               std::get<operation_handler<value_type>>(std::move(handler)),
                               any_cancellation, coroutine_of(std::move(p)));
        },
        params);
}

void detail::client_access::start_status(const std::shared_ptr<client_base::impl>& self, task t,
                                         diagnostics* diag, result_decoding how,
                                         operation_handler<task_status> handler) {
    launch<task_status>(self, diag, std::move(handler), any_cancellation,
                        coroutine_of(status_params{std::move(t)}, how));
}

client_base::client_base(boost::asio::any_io_executor executor, options opts)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(opts))) {}

client_base::~client_base() {
    if (impl_)
        shutdown();
}

client_base::client_base(client_base&& other) noexcept = default;

client_base& client_base::operator=(client_base&& other) {
    if (impl_ && impl_ != other.impl_)
        shutdown();
    impl_ = std::move(other.impl_);
    return *this;
}

boost::asio::any_io_executor client_base::get_executor() const noexcept {
    return impl_->ex;
}
const options& client_base::get_options() const noexcept {
    return impl_->opts;
}
void client_base::set_observer(observer o) {
    impl_->in_client([self = impl_, o = std::move(o)]() mutable { self->hooks = std::move(o); });
}
const observer& client_base::get_observer() const noexcept {
    return impl_->hooks;
}
client_counters client_base::counters() const {
    return impl_->counters.snapshot();
}

void client_base::shutdown() {
    impl_->in_client([self = impl_] {
        if (self->shut_down)
            return;
        self->shut_down = true;
        auto running = self->running; // emitting may complete operations and erase entries
        for (auto& signal : running)
            signal->emit(asio::cancellation_type::terminal);
        self->pool->shutdown();
        // Each listener leaves the list before it is called: its owner then
        // knows not to erase it (it clears its flag first thing), while the
        // owners still listed may erase theirs from inside another's call
        // (the batch engine stops its poll scheduler).
        while (!self->shutdown_listeners.empty()) {
            auto listener = std::move(self->shutdown_listeners.front());
            self->shutdown_listeners.pop_front();
            listener();
        }
    });
}

void client_base::launch(const std::shared_ptr<void>& state, detail::any_operation_params params,
                         diagnostics* diag, detail::any_operation_handler handler) {
    if (state) {
        detail::client_access::start(std::static_pointer_cast<impl>(state), std::move(params), diag,
                                     std::move(handler));
        return;
    }
    // A moved-from client: no state to run on. The handler still completes,
    // never inline (as any initiation), on its own executor.
    std::visit([](auto& h) { complete_without_a_client(std::move(h)); }, handler);
}

} // namespace oneai
