#include "connection_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace oneai::detail {
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
} // namespace

connection_pool::connection_pool(asio::any_io_executor ex, asio::ssl::context* tls, base_url where,
                                 pool_settings settings)
    : ex_(std::move(ex)), deadlines_(ex_), tls_(tls), where_(std::move(where)),
      settings_(settings) {}

asio::awaitable<error_code> connection_pool::resolve(asio::ip::tcp::resolver::results_type& out) {
    if (!resolved_) {
        // getaddrinfo runs on Asio's resolver thread and cannot be stopped, and
        // the resolve completes only when it returns. So the lookup is left to
        // finish on its own (its state shared with its handler), and this waits
        // on a timer instead: until the lookup's handler wakes it, the connect
        // timeout passes, or the caller cancels the wait.
        struct lookup {
            explicit lookup(const asio::any_io_executor& ex)
                : resolver(ex), wake(ex, asio::steady_timer::time_point::max()) {}
            asio::ip::tcp::resolver resolver;
            asio::steady_timer wake;
            std::optional<std::pair<error_code, asio::ip::tcp::resolver::results_type>> answer;
        };
        auto state = std::make_shared<lookup>(ex_);
        state->resolver.async_resolve(
            where_.host, std::to_string(where_.port),
            [state](error_code ec, asio::ip::tcp::resolver::results_type results) {
                state->answer.emplace(ec, std::move(results));
                state->wake.cancel();
            });
        state->wake.expires_after(settings_.connect_timeout);
        auto [waited] = co_await state->wake.async_wait(use_tuple);
        if (!state->answer)
            co_return waited ? error_code(asio::error::operation_aborted)
                             : error_code(asio::error::timed_out);
        if (state->answer->first)
            co_return state->answer->first;
        resolved_ = std::move(state->answer->second);
    }
    out = *resolved_;
    co_return error_code{};
}

std::unique_ptr<connection> connection_pool::take_idle(bool check_closed) {
    while (!closed_ && !idle_.empty()) {
        std::unique_ptr<connection> c = std::move(idle_.back());
        idle_.pop_back();
        const auto idle_for = std::chrono::steady_clock::now() - c->idle_since;
        if (idle_for > settings_.idle_timeout ||
            ((check_closed || idle_for >= settings_.check_idle_after) && c->closed_by_peer())) {
            c->close();
            --open_;
            continue;
        }
        c->reused = true;
        ++counters_.reused;
        return c;
    }
    return nullptr;
}

asio::awaitable<connection_pool::lease_result> connection_pool::acquire(bool fresh_only,
                                                                        bool check_closed) {
    const auto deadline = std::chrono::steady_clock::now() + settings_.wait_timeout;
    for (;;) {
        if (closed_)
            co_return lease_result(error_code(errc::client_shutdown));
        if (!fresh_only)
            if (auto c = take_idle(check_closed))
                co_return lease_result(std::move(c));
        if (fresh_only && !idle_.empty()) {
            // Make room for a fresh connection by closing an idle one.
            idle_.front()->close();
            idle_.pop_front();
            --open_;
        }
        if (open_ < settings_.max_per_host) {
            ++open_;
            asio::ip::tcp::resolver::results_type endpoints;
            error_code ec = co_await resolve(endpoints);
            auto c = std::make_unique<connection>(
                ex_, tls_, settings_.server_name.empty() ? where_.host : settings_.server_name,
                deadlines_);
            if (!ec)
                ec = co_await c->connect(endpoints, settings_.connect_timeout);
            if (ec) {
                --open_;
                resolved_.reset(); // the address may have changed
                wake_one();
                co_return lease_result(error_code(ec));
            }
            ++counters_.opened;
            co_return lease_result(std::move(c));
        }
        // Every connection is busy: wait for one to come back.
        if (std::chrono::steady_clock::now() >= deadline)
            co_return lease_result(error_code(asio::error::timed_out));
        asio::steady_timer timer(ex_, deadline);
        auto it = waiters_.insert(waiters_.end(), waiter{&timer});
        auto [ec] = co_await timer.async_wait(use_tuple);
        const bool woken = it->woken;
        waiters_.erase(it);
        if (!woken && ec == asio::error::operation_aborted) // cancelled by the caller
            co_return lease_result(error_code(ec));
        if (!woken && !ec)
            co_return lease_result(error_code(asio::error::timed_out));
    }
}

void connection_pool::wake_one() {
    for (auto& w : waiters_) {
        if (!w.woken) {
            w.woken = true;
            w.timer->cancel();
            return;
        }
    }
}

void connection_pool::release(std::unique_ptr<connection> conn) {
    if (!conn)
        return;
    if (conn->reusable() && !closed_) {
        conn->idle_since = std::chrono::steady_clock::now();
        idle_.push_back(std::move(conn));
    } else {
        conn->close();
        --open_;
    }
    wake_one();
}

void connection_pool::shutdown() {
    closed_ = true;
    for (auto& c : idle_)
        c->close();
    open_ -= idle_.size();
    idle_.clear();
    for (auto& w : waiters_) {
        w.woken = true;
        w.timer->cancel();
    }
}

} // namespace oneai::detail
