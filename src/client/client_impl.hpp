#pragma once
// The state behind oneai::client and the coroutines of its operations.

#include "core/request_codec.hpp"
#include "core/result_decoding.hpp"
#include "core/retry_rules.hpp"
#include "http/base_url.hpp"
#include "http/connection_pool.hpp"
#include "live_counters.hpp"
#include "polling/poll_planner.hpp"
#include "polling/poll_rules.hpp"

#include <oneai/client_base.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>

#include <functional>
#include <list>
#include <optional>
#include <random>

namespace oneai {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

/// What an operation's coroutine returns: its value, or its error.
template <typename T>
using outcome = boost::system::result<T>;

struct http_reply {
    unsigned status = 0;
    std::string body;
};

struct client_base::impl : std::enable_shared_from_this<impl> {
    using executor_type = asio::any_io_executor;
    impl(executor_type ex, options o);

    using clock = std::chrono::steady_clock;
    using deadline = std::optional<clock::time_point>;

    /// One request with the retry policy applied. `repeatable`: safe to send
    /// twice. `body` is JSON, or `file` streams an upload.
    /// `asked`: the cancellations the caller requested, even those filtered
    /// out while an attempt's bytes were on the wire; between attempts a
    /// request that is not repeatable honours them all.
    asio::awaitable<outcome<http_reply>> send(http::verb method, std::string target,
                                              std::string body, const file_input* file,
                                              bool repeatable, deadline until, diagnostics& diag,
                                              const asio::cancellation_type* asked = nullptr);

    /// An upload of `file`, or null (and why, in `diag`) when it cannot be read.
    std::unique_ptr<detail::file_request> upload_request(http::verb method,
                                                         const std::string& target,
                                                         const file_input& file,
                                                         diagnostics& diag) const;
    /// One attempt of send(), as judge_attempt needs it.
    struct attempt_info {
        std::string_view method;
        const std::string& target;
        unsigned number; // 1-based
        bool repeatable;
        deadline until;
        std::chrono::milliseconds previous_delay;
        clock::time_point started; // set when a response hook times it
    };
    /// What an attempt came to: counters, diagnostics and the observer's
    /// response and retry hooks updated, and the retry rules' verdict (with
    /// diag.http_status set on success). `maybe_acted` is send()'s record of
    /// whether any attempt may have reached the service. A plain function, so
    /// that its locals stay out of send()'s coroutine frame.
    detail::retry_decision judge_attempt(const attempt_info& a, detail::exchange_result& exchanged,
                                         bool& maybe_acted, diagnostics& diag);
    /// The request that POSTs a pipeline to the async (submit) or sync
    /// endpoint, JSON or upload; invalid_argument (and why, in `diag`) when it
    /// cannot be made. Not a coroutine: the callers await send() themselves,
    /// one coroutine frame (one heap allocation) fewer per request.
    outcome<detail::encoded_request> pipeline_request(const pipeline& p, const input& in,
                                                      bool async, diagnostics& diag);
    asio::awaitable<outcome<task>> submit(pipeline p, input in, deadline until, diagnostics& diag,
                                          const asio::cancellation_type* asked = nullptr);
    asio::awaitable<outcome<task_status>>
    status(task t, deadline until, diagnostics& diag,
           detail::result_decoding how = detail::result_decoding::typed);
    /// status() in two plain steps around its send(), for a caller that polls
    /// in its own coroutine: the target, or invalid_argument for an id that is
    /// not a UUID (checked before it goes into a URL)...
    outcome<std::string> status_target(const task& t, diagnostics& diag) const;
    /// ...and the answer decoded (task_not_found for a 404).
    outcome<task_status> status_answer(outcome<http_reply>& reply, const task& t,
                                       detail::result_decoding how, diagnostics& diag) const;
    /// `shape`: what the task runs, for adaptive polling ({} when unknown).
    asio::awaitable<outcome<result>> wait(task t, poll_policy policy, deadline until,
                                          diagnostics& diag, detail::task_shape shape = {});
    /// A wait() under way: its parameters (which the coroutine owns) and
    /// where its polling stands.
    struct wait_progress {
        const task& t;
        const poll_policy& policy;
        deadline until;
        detail::task_shape shape;
        clock::time_point started{};
        std::uint64_t start_number = 0; // the planner's, for learn()
        detail::poll_history history{};
        detail::poll_step step{}; // the next poll, or how the wait ends
    };
    detail::poll_context poll_context_of(const wait_progress& w);
    /// Starts the clock and chooses the first poll.
    void begin_wait(wait_progress& w, diagnostics& diag);
    /// What a status answer means: nothing while the task runs (w.step says
    /// when to poll again), else the wait's outcome, with counters, the
    /// failure's details and the completion hook done.
    std::optional<outcome<result>> on_status_answer(wait_progress& w, outcome<http_reply>& reply,
                                                    diagnostics& diag);
    asio::awaitable<outcome<result>> run(pipeline p, input in, diagnostics& diag,
                                         const asio::cancellation_type* asked = nullptr);
    asio::awaitable<outcome<result>> run_sync(pipeline p, input in, diagnostics& diag);

    deadline task_deadline() const;
    /// The error to report for a cancelled operation (shutdown or the caller's cancel).
    error_code cancelled_error() const;

    /// Where every operation, timer and connection of the client runs: the
    /// caller's executor, or a strand over it when opts.thread_safe.
    executor_type ex;
    options opts;
    detail::base_url where;
    std::optional<asio::ssl::context> tls;
    std::unique_ptr<detail::connection_pool> pool;
    std::string api_path; // e.g. /api/v0/pipeline
    observer hooks;
    detail::poll_planner planner; // what adaptive polling has learned of the service
    struct {
        std::vector<pipeline::step> steps;
        std::string json;
    } steps_cache; // see steps_json_of
    const std::string& steps_json_of(const pipeline& p);
    detail::live_counters counters;
    std::mt19937_64 rng;
    bool shut_down = false;
    std::list<std::shared_ptr<asio::cancellation_signal>> running; // for shutdown()

    /// Runs `f` on the client's executor: inline when the client is not
    /// thread_safe (its caller is on the executor already) or when the caller
    /// is inside the strand; otherwise queued to the strand.
    template <typename F>
    void in_client(F&& f) {
        if (opts.thread_safe)
            asio::dispatch(ex, std::forward<F>(f));
        else
            std::forward<F>(f)();
    }
    /// Called once by shutdown() (and so by ~client): components built on the
    /// client (the batch engine, the poll scheduler) stop calling it. Each is
    /// taken off the list before it is called, so its owner must not erase
    /// it once called, and may erase it until then.
    std::list<std::function<void()>> shutdown_listeners;
};

} // namespace oneai
