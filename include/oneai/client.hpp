#pragma once
// oneai::client: submits pipelines, polls tasks and returns typed results,
// on any executor, with any completion token.
//
//   oneai::client c{io.get_executor(), {.base_url = url, .api_key = key}};
//   auto p = oneai::pipeline{}.summarize().keywords();
//   oneai::result r = co_await c.async_run(p, oneai::text_input{"..."}, asio::use_awaitable);
//
// Or with a default completion token, as any Asio I/O object:
//
//   auto c = asio::use_awaitable.as_default_on(oneai::client{io.get_executor(), opts});
//   oneai::result r = co_await c.async_run(p, in);
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
//
// A client can be moved; operations in flight go on (they hold the client's
// state, not the object; so does an operation made before the move and
// started after it, as with asio::deferred). A moved-from client may be
// destroyed or assigned to, and its operations complete with
// errc::client_shutdown; anything else is undefined.

#include <oneai/client_base.hpp>
#include <oneai/detail/diagnostics_slot.hpp>
#include <oneai/error.hpp>
#include <oneai/input.hpp>
#include <oneai/operation_params.hpp>
#include <oneai/pipeline.hpp>
#include <oneai/poll_policy.hpp>
#include <oneai/result.hpp>
#include <oneai/task.hpp>
#include <oneai/task_status.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>

#include <optional>
#include <type_traits>
#include <utility>

namespace oneai {

/// The One AI client on an executor of type `Executor`, an Asio I/O object:
/// it has an executor_type, rebinds to another executor (so that
/// `asio::use_awaitable.as_default_on(client)` and the like work), and its
/// operations take the executor's default completion token when none is
/// given. `Executor` must convert to and from boost::asio::any_io_executor
/// (any_io_executor itself, and the `as_default_on` wrappers over it, do).
/// Everything else lives in the compiled client_base.
template <typename Executor>
class basic_client : public client_base {
    static_assert(std::is_constructible_v<boost::asio::any_io_executor, const Executor&> &&
                      std::is_constructible_v<Executor, boost::asio::any_io_executor>,
                  "a basic_client's executor converts to and from any_io_executor");

  public:
    /// The executor type of the client (and of its operations' default
    /// completion token).
    using executor_type = Executor;

    /// The same client type on another executor type.
    template <typename OtherExecutor>
    struct rebind_executor {
        /// The client type on OtherExecutor.
        using other = basic_client<OtherExecutor>;
    };

    /// Makes a client running on `executor`, configured by `opts`. Throws
    /// std::invalid_argument when the base URL cannot be used, or the API key
    /// or user agent holds a control character (the message never shows the
    /// key). A missing API key is reported by each operation
    /// (errc::missing_api_key).
    basic_client(const executor_type& executor, options opts)
        : client_base(boost::asio::any_io_executor(executor), std::move(opts)) {}

    /// Takes over a client on another executor type (what `as_default_on`
    /// does); operations in flight go on. `other` is left empty.
    template <typename OtherExecutor>
    requires std::is_constructible_v<Executor, OtherExecutor>
    basic_client(basic_client<OtherExecutor>&& other)
    noexcept : client_base(static_cast<client_base&&>(other)) {}

    /// Takes the other client's state; operations in flight go on.
    basic_client(basic_client&& other) noexcept = default;
    /// Shuts this client down, then takes the other's state.
    basic_client& operator=(basic_client&& other) = default;
    /// Shuts the client down (ends its operations with errc::client_shutdown).
    ~basic_client() = default;

    /// The executor the client runs on: the one it was given, or its own
    /// strand over it when options::thread_safe.
    executor_type get_executor() const noexcept {
        return executor_type(client_base::get_executor());
    }

    /// Submits: POST /async (or /async/file for a file input); completes
    /// with the task.
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, task))
                  Token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN_TYPE(executor_type)>
    auto async_submit(pipeline p, input in,
                      Token&& token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN(executor_type)) {
        return initiate(submit_params{std::move(p), std::move(in)}, nullptr,
                        std::forward<Token>(token));
    }
    /// async_submit, filling `diag` (keep it alive until completion).
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, task))
                  Token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN_TYPE(executor_type)>
    auto async_submit(pipeline p, input in, diagnostics& diag,
                      Token&& token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN(executor_type)) {
        return initiate(submit_params{std::move(p), std::move(in)}, &diag,
                        std::forward<Token>(token));
    }

    /// One GET /async/tasks/{id}; completes with the task's status.
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, task_status))
                  Token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN_TYPE(executor_type)>
    auto async_status(task t, Token&& token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN(executor_type)) {
        return initiate(status_params{std::move(t)}, nullptr, std::forward<Token>(token));
    }
    /// async_status, filling `diag` (keep it alive until completion).
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, task_status))
                  Token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN_TYPE(executor_type)>
    auto async_status(task t, diagnostics& diag,
                      Token&& token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN(executor_type)) {
        return initiate(status_params{std::move(t)}, &diag, std::forward<Token>(token));
    }

    /// Polls with the client's poll policy until the task is COMPLETED (the
    /// result) or FAILED (errc::task_failed).
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, result))
                  Token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN_TYPE(executor_type)>
    auto async_wait(task t, Token&& token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN(executor_type)) {
        return initiate(wait_params{std::move(t), std::nullopt}, nullptr,
                        std::forward<Token>(token));
    }
    /// async_wait with the client's poll policy, filling `diag` (keep it
    /// alive until completion).
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, result))
                  Token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN_TYPE(executor_type)>
    auto async_wait(task t, diagnostics& diag,
                    Token&& token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN(executor_type)) {
        return initiate(wait_params{std::move(t), std::nullopt}, &diag, std::forward<Token>(token));
    }
    /// async_wait polling with `policy`.
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, result))
                  Token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN_TYPE(executor_type)>
    auto async_wait(task t, poll_policy policy,
                    Token&& token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN(executor_type)) {
        return initiate(wait_params{std::move(t), std::move(policy)}, nullptr,
                        std::forward<Token>(token));
    }
    /// async_wait polling with `policy` (unset: the client's), filling
    /// `diag` (keep it alive until completion).
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, result))
                  Token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN_TYPE(executor_type)>
    auto async_wait(task t, std::optional<poll_policy> policy, diagnostics& diag,
                    Token&& token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN(executor_type)) {
        return initiate(wait_params{std::move(t), std::move(policy)}, &diag,
                        std::forward<Token>(token));
    }

    /// Submits, then waits with the client's poll policy; one deadline
    /// (options::task_deadline) covers both.
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, result))
                  Token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN_TYPE(executor_type)>
    auto async_run(pipeline p, input in,
                   Token&& token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN(executor_type)) {
        return initiate(run_params{std::move(p), std::move(in)}, nullptr,
                        std::forward<Token>(token));
    }
    /// async_run, filling `diag` (keep it alive until completion).
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, result))
                  Token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN_TYPE(executor_type)>
    auto async_run(pipeline p, input in, diagnostics& diag,
                   Token&& token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN(executor_type)) {
        return initiate(run_params{std::move(p), std::move(in)}, &diag, std::forward<Token>(token));
    }

    /// POST /pipeline (or /file): the sync endpoint, the result in the answer.
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, result))
                  Token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN_TYPE(executor_type)>
    auto async_run_sync(pipeline p, input in,
                        Token&& token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN(executor_type)) {
        return initiate(run_sync_params{std::move(p), std::move(in)}, nullptr,
                        std::forward<Token>(token));
    }
    /// async_run_sync, filling `diag` (keep it alive until completion).
    template <BOOST_ASIO_COMPLETION_TOKEN_FOR(void(error_code, result))
                  Token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN_TYPE(executor_type)>
    auto async_run_sync(pipeline p, input in, diagnostics& diag,
                        Token&& token BOOST_ASIO_DEFAULT_COMPLETION_TOKEN(executor_type)) {
        return initiate(run_sync_params{std::move(p), std::move(in)}, &diag,
                        std::forward<Token>(token));
    }

  private:
    // The only initiation: the diagnostics travel first (token adapters such
    // as with_diagnostics see and may replace them), then the parameters.
    // Inline and executor-independent beyond this point: the handler is
    // erased once and everything else runs in the compiled client_base.
    template <typename Params, typename Token>
    auto initiate(Params params, diagnostics* diag, Token&& token) {
        using value_type = typename Params::value_type;
        return boost::asio::async_initiate<Token, void(error_code, value_type)>(
            [state = state()](auto handler, detail::diagnostics_slot slot, Params params) {
                launch(state, std::move(params), slot.target,
                       detail::operation_handler<value_type>(std::move(handler)));
            },
            token, detail::diagnostics_slot{diag}, std::move(params));
    }
};

/// The client on any I/O executor: what most programs use.
using client = basic_client<boost::asio::any_io_executor>;

} // namespace oneai
