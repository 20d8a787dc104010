#pragma once
// oneai::client: submits pipelines, polls tasks and returns typed results,
// on any executor, with any completion token.
//
//   oneai::client c{io.get_executor(), {.base_url = url, .api_key = key}};
//   auto p = oneai::pipeline{}.summarize().keywords();
//   oneai::result r = co_await c.async_run(p, oneai::text_input{"..."}, asio::use_awaitable);
//
// Every operation completes with `void(error_code, T)` and can also fill a
// `diagnostics` the caller passes (keep it alive until completion). Wrap the
// token in `oneai::with_diagnostics(...)` to get an error_with_diagnostics
// exception instead.
//
// Cancellation (bind a cancellation slot to the token):
//  - submit: total until the request bytes are written; partial or terminal
//    later (the outcome is then unknown: diagnostics.request_sent says so);
//  - status / wait: any type stops it; the task keeps running on the server
//    and its id (diagnostics.task_id) stays valid for a later wait;
//  - run: total before the submit is written; partial or terminal later, with
//    the task id in diagnostics once it is known.
// A connection whose exchange was interrupted is closed, never reused.
//
// Thread safety: by default, use a client from its executor only (one thread,
// or a strand). With `options::thread_safe`, handlers on any thread may share
// it: the client makes a strand of its own over the executor it is given, its
// operations, shutdown() and set_observer() enter that strand, and completions
// still arrive on each handler's associated executor (the strand when it has
// none). get_executor() is then that strand: the poll_scheduler and
// batch_engine built on such a client must be used from it. counters() may be
// read from any thread in both modes.

#include <oneai/client_counters.hpp>
#include <oneai/config.hpp>
#include <oneai/detail/diagnostics_slot.hpp>
#include <oneai/error.hpp>
#include <oneai/input.hpp>
#include <oneai/observer.hpp>
#include <oneai/options.hpp>
#include <oneai/pipeline.hpp>
#include <oneai/result.hpp>
#include <oneai/task.hpp>
#include <oneai/task_status.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>

#include <memory>
#include <optional>

namespace oneai {
namespace detail {
struct client_access;
}

class ONEAI_API client {
  public:
    /// Implementation detail (opaque outside the library's sources).
    struct ONEAI_LOCAL impl;
    using executor_type = boost::asio::any_io_executor;

    /// Throws std::invalid_argument when the base URL cannot be used, or the
    /// API key or user agent holds a control character (the message never
    /// shows the key). A missing API key is reported by each operation
    /// (errc::missing_api_key).
    client(executor_type executor, options opts);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// The executor the client runs on: the one it was given, or its own
    /// strand over it when options::thread_safe.
    executor_type get_executor() const noexcept;
    const options& get_options() const noexcept;
    /// Replaces the hooks; on a thread-safe client, inside its strand (the
    /// operations started after this call see the new hooks).
    void set_observer(observer o);
    /// Not synchronised: read it from the client's executor.
    const observer& get_observer() const noexcept;
    /// A snapshot; safe from any thread.
    client_counters counters() const;

    /// Ends every running operation (with errc::client_shutdown) and closes
    /// pooled connections. Later operations fail at once.
    void shutdown();

    // --- submit: POST /async (or /async/file for file input) -> the task
    template <typename Token>
    auto async_submit(pipeline p, input in, Token&& token) {
        return async_submit(std::move(p), std::move(in), nullptr, std::forward<Token>(token));
    }
    template <typename Token>
    auto async_submit(pipeline p, input in, diagnostics& diag, Token&& token) {
        return async_submit(std::move(p), std::move(in), &diag, std::forward<Token>(token));
    }

    // --- status: one GET /async/tasks/{id}
    template <typename Token>
    auto async_status(task t, Token&& token) {
        return async_status(std::move(t), nullptr, std::forward<Token>(token));
    }
    template <typename Token>
    auto async_status(task t, diagnostics& diag, Token&& token) {
        return async_status(std::move(t), &diag, std::forward<Token>(token));
    }

    // --- wait: poll until COMPLETED (the result) or FAILED (errc::task_failed)
    template <typename Token>
    auto async_wait(task t, Token&& token) {
        return async_wait(std::move(t), std::nullopt, nullptr, std::forward<Token>(token));
    }
    template <typename Token>
    auto async_wait(task t, poll_policy policy, Token&& token) {
        return async_wait(std::move(t), std::move(policy), nullptr, std::forward<Token>(token));
    }
    template <typename Token>
    auto async_wait(task t, std::optional<poll_policy> policy, diagnostics& diag, Token&& token) {
        return async_wait(std::move(t), std::move(policy), &diag, std::forward<Token>(token));
    }

    // --- run: submit, then wait
    template <typename Token>
    auto async_run(pipeline p, input in, Token&& token) {
        return async_run(std::move(p), std::move(in), nullptr, std::forward<Token>(token));
    }
    template <typename Token>
    auto async_run(pipeline p, input in, diagnostics& diag, Token&& token) {
        return async_run(std::move(p), std::move(in), &diag, std::forward<Token>(token));
    }

    // --- run_sync: POST /pipeline (or /file), the result in the answer
    template <typename Token>
    auto async_run_sync(pipeline p, input in, Token&& token) {
        return async_run_sync(std::move(p), std::move(in), nullptr, std::forward<Token>(token));
    }
    template <typename Token>
    auto async_run_sync(pipeline p, input in, diagnostics& diag, Token&& token) {
        return async_run_sync(std::move(p), std::move(in), &diag, std::forward<Token>(token));
    }

  private:
    friend struct detail::client_access;
    template <typename T>
    using handler = boost::asio::any_completion_handler<void(error_code, T)>;

    void launch_submit(pipeline p, input in, diagnostics* diag, handler<task> h);
    void launch_status(task t, diagnostics* diag, handler<task_status> h);
    void launch_wait(task t, std::optional<poll_policy> policy, diagnostics* diag,
                     handler<result> h);
    void launch_run(pipeline p, input in, diagnostics* diag, handler<result> h);
    void launch_run_sync(pipeline p, input in, diagnostics* diag, handler<result> h);

    template <typename Token>
    auto async_submit(pipeline p, input in, diagnostics* diag, Token&& token) {
        return boost::asio::async_initiate<Token, void(error_code, task)>(
            [this](auto h, detail::diagnostics_slot slot, pipeline p, input in) {
                launch_submit(std::move(p), std::move(in), slot.target,
                              handler<task>(std::move(h)));
            },
            token, detail::diagnostics_slot{diag}, std::move(p), std::move(in));
    }
    template <typename Token>
    auto async_status(task t, diagnostics* diag, Token&& token) {
        return boost::asio::async_initiate<Token, void(error_code, task_status)>(
            [this](auto h, detail::diagnostics_slot slot, task t) {
                launch_status(std::move(t), slot.target, handler<task_status>(std::move(h)));
            },
            token, detail::diagnostics_slot{diag}, std::move(t));
    }
    template <typename Token>
    auto async_wait(task t, std::optional<poll_policy> policy, diagnostics* diag, Token&& token) {
        return boost::asio::async_initiate<Token, void(error_code, result)>(
            [this](auto h, detail::diagnostics_slot slot, task t,
                   std::optional<poll_policy> policy) {
                launch_wait(std::move(t), std::move(policy), slot.target,
                            handler<result>(std::move(h)));
            },
            token, detail::diagnostics_slot{diag}, std::move(t), std::move(policy));
    }
    template <typename Token>
    auto async_run(pipeline p, input in, diagnostics* diag, Token&& token) {
        return boost::asio::async_initiate<Token, void(error_code, result)>(
            [this](auto h, detail::diagnostics_slot slot, pipeline p, input in) {
                launch_run(std::move(p), std::move(in), slot.target, handler<result>(std::move(h)));
            },
            token, detail::diagnostics_slot{diag}, std::move(p), std::move(in));
    }
    template <typename Token>
    auto async_run_sync(pipeline p, input in, diagnostics* diag, Token&& token) {
        return boost::asio::async_initiate<Token, void(error_code, result)>(
            [this](auto h, detail::diagnostics_slot slot, pipeline p, input in) {
                launch_run_sync(std::move(p), std::move(in), slot.target,
                                handler<result>(std::move(h)));
            },
            token, detail::diagnostics_slot{diag}, std::move(p), std::move(in));
    }

    std::shared_ptr<impl> impl_;
};

} // namespace oneai
