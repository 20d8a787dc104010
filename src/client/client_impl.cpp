#include "client_impl.hpp"

#include "core/request_codec.hpp"
#include "core/response_codec.hpp"
#include "core/retry_after.hpp"
#include "core/retry_rules.hpp"
#include "core/task_id.hpp"
#include "polling/poll_rules.hpp"
#include "polling/task_shape.hpp"
#include "user_agent.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/monotonic_resource.hpp>

#include <cstdlib>
#include <stdexcept>

namespace oneai {
namespace {

using std::chrono::milliseconds;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

milliseconds time_left(const client_base::impl::deadline& until) {
    if (!until)
        return milliseconds::max();
    return std::max(milliseconds{0}, std::chrono::duration_cast<milliseconds>(
                                         *until - client_base::impl::clock::now()));
}

// Whether the calling coroutine was asked to stop: written in place (no
// coroutine of its own, which would cost a frame on every request).
#define ONEAI_CANCELLED()                                                                          \
    ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)

// Sleeps unless cancelled; false when cancelled. Callers skip it for no delay.
asio::awaitable<bool> sleep_for(milliseconds d) {
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    auto [ec] = co_await timer.async_wait(use_tuple);
    co_return !ec;
}

std::optional<milliseconds> retry_after_of(const detail::string_response& res) {
    if (auto ms = res.find("retry-after-ms"); ms != res.end())
        if (auto hint = detail::parse_retry_after_ms(ms->value()))
            return hint;
    if (auto ra = res.find(http::field::retry_after); ra != res.end())
        return detail::parse_retry_after(ra->value(), std::chrono::system_clock::now());
    return std::nullopt;
}

// The task id in a submit's answer, or why there is none.
std::optional<std::string> submitted_id(std::string_view answer, std::string& why) {
    unsigned char buffer[1024];
    boost::json::monotonic_resource arena(buffer, sizeof buffer);
    auto body = detail::parse_json(answer, why, &arena);
    auto id = body ? detail::parse_submit_answer(*body) : std::nullopt;
    if (body && !id)
        why = "the submit answer has no task_id";
    return id;
}

// The head of a request with a JSON body (or none), written directly: the
// same headers set_common_headers gives a Beast request. The values were
// checked for line breaks when the client was made.
std::string request_head(std::string_view method, std::string_view target, std::size_t body_size,
                         const client_base::impl& c) {
    std::string head;
    head.reserve(160 + target.size() + c.opts.user_agent.size() + c.opts.api_key.size());
    head.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: ");
    head.append(c.where.host_header).append("\r\nUser-Agent: ").append(c.opts.user_agent);
    head.append("\r\nAccept: application/json\r\napi-key: ").append(c.opts.api_key);
    if (method == "POST")
        head.append("\r\nContent-Type: application/json");
    if (body_size > 0 || method == "POST")
        head.append("\r\nContent-Length: ").append(std::to_string(body_size));
    head.append("\r\n\r\n");
    return head;
}

template <typename Request>
void set_common_headers(Request& req, const client_base::impl& c) {
    req.set(http::field::host, c.where.host_header);
    req.set(http::field::user_agent, c.opts.user_agent);
    req.set(http::field::accept, "application/json");
    req.set("api-key", c.opts.api_key);
    req.keep_alive(true);
}

} // namespace

namespace {

// A thread-safe client serialises itself on a strand of its own over the
// caller's executor (as Boost.MySQL's connection_pool does with thread_safe).
client_base::impl::executor_type client_executor(client_base::impl::executor_type e,
                                                 bool thread_safe) {
    if (thread_safe)
        return asio::make_strand(std::move(e));
    return e;
}

} // namespace

client_base::impl::impl(executor_type e, options o)
    : ex(client_executor(std::move(e), o.thread_safe)), opts(std::move(o)),
      where(detail::base_url::parse(opts.base_url)), rng(std::random_device{}()) {
    if (opts.api_key.empty()) {
        if (const char* env = std::getenv("ONEAI_API_KEY"))
            opts.api_key = env;
    }
    if (opts.user_agent.empty())
        opts.user_agent = detail::default_user_agent();
    // Header values, written by hand: trimmed as HTTP reads them, and no
    // control character (a line break would end the header and start
    // another). The message never shows the key.
    for (std::string* value : {&opts.api_key, &opts.user_agent}) {
        const auto first = value->find_first_not_of(" \t");
        value->erase(0, first == std::string::npos ? value->size() : first);
        value->erase(value->find_last_not_of(" \t") + 1);
        for (unsigned char ch : *value)
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
                throw std::invalid_argument(value == &opts.api_key
                                                ? "the API key holds a control character"
                                                : "the user agent holds a control character");
    }
    if (where.tls) {
        auto& ctx = tls.emplace(asio::ssl::context::tls_client);
        ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1);
        if (opts.tls.verify_peer) {
            ctx.set_verify_mode(asio::ssl::verify_peer);
            if (!opts.tls.ca_file.empty())
                ctx.load_verify_file(opts.tls.ca_file);
            if (!opts.tls.ca_directory.empty())
                ctx.add_verify_path(opts.tls.ca_directory);
            if (opts.tls.ca_file.empty() && opts.tls.ca_directory.empty())
                ctx.set_default_verify_paths();
        } else {
            ctx.set_verify_mode(asio::ssl::verify_none);
        }
    }
    pool = std::make_unique<detail::connection_pool>(
        ex, tls ? &*tls : nullptr, where,
        detail::pool_settings{opts.max_connections_per_host, opts.idle_timeout,
                              opts.pool_wait_timeout, opts.connect_timeout, opts.tls.server_name});
    api_path = where.path_prefix + "/api/v0/pipeline";
}

client_base::impl::deadline client_base::impl::task_deadline() const {
    if (opts.task_deadline.count() <= 0)
        return std::nullopt;
    return clock::now() + opts.task_deadline;
}

error_code client_base::impl::cancelled_error() const {
    return shut_down ? error_code(errc::client_shutdown)
                     : error_code(asio::error::operation_aborted);
}

std::unique_ptr<detail::file_request> client_base::impl::upload_request(http::verb method,
                                                                        const std::string& target,
                                                                        const file_input& file,
                                                                        diagnostics& diag) const {
    // On the heap: a file request is large, and kept in send()'s frame it
    // would make every request's frame larger (frames are allocations).
    auto req = std::make_unique<detail::file_request>(method, target, 11);
    set_common_headers(*req, *this);
    req->set(http::field::content_type, "application/json"); // as the SDKs label uploads
    beast::error_code ec;
    req->body().open(file.path.c_str(), beast::file_mode::scan, ec);
    if (ec) {
        diag.message = "cannot read " + file.path.string() + ": " + ec.message();
        return nullptr;
    }
    req->prepare_payload();
    return req;
}

detail::retry_decision client_base::impl::judge_attempt(const attempt_info& a,
                                                        detail::exchange_result& exchanged,
                                                        bool& maybe_acted, diagnostics& diag) {
    using action = detail::retry_decision::action;
    if (exchanged.ec == errc::response_too_large) {
        diag.message = "the response exceeds " + std::to_string(opts.max_response_size) + " bytes";
        return {action::fail, milliseconds{0}, errc::response_too_large};
    }
    detail::attempt_outcome outcome;
    outcome.transport = exchanged.ec;
    outcome.request_sent = exchanged.request_sent;
    if (!exchanged.ec) {
        ++counters.responses;
        outcome.http_status = exchanged.response.result_int();
        outcome.retry_after = retry_after_of(exchanged.response);
        if (outcome.http_status == 429) {
            ++counters.rate_limited;
            ++diag.rate_limited;
        }
        if (auto id = exchanged.response.find("x-oneai-request-id"); id != exchanged.response.end())
            diag.request_id = id->value();
    } else {
        ++counters.transport_errors;
    }
    if (outcome.retry_after)
        diag.retry_after = outcome.retry_after;
    if (exchanged.ec ? exchanged.request_sent
                     : outcome.http_status != 429 && outcome.http_status != 503)
        maybe_acted = true;
    diag.request_sent = maybe_acted;
    if (hooks.on_response && a.started != clock::time_point{})
        hooks.on_response(
            {a.method, a.target, a.number, outcome.http_status, outcome.transport,
             std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - a.started)});

    auto decision =
        detail::decide_retry(opts.retries, a.repeatable, a.number, outcome, a.previous_delay,
                             a.until ? std::optional(time_left(a.until)) : std::nullopt, rng);
    if (decision.what == action::succeed) {
        if (opts.retries.budget)
            opts.retries.budget->on_success();
        diag.http_status = outcome.http_status;
    } else if (decision.what == action::fail) {
        diag.http_status = outcome.http_status;
        if (outcome.http_status)
            detail::read_error_body(exchanged.response.body(), diag);
        else if (outcome.transport)
            diag.message = outcome.transport.message();
    } else {
        ++counters.retries;
        if (hooks.on_retry)
            hooks.on_retry({a.method, a.target, a.number + 1, decision.delay, outcome.http_status,
                            outcome.transport});
    }
    return decision;
}

asio::awaitable<outcome<http_reply>>
client_base::impl::send(http::verb method, std::string target, std::string body,
                        const file_input* file, bool repeatable, deadline until, diagnostics& diag,
                        const asio::cancellation_type* asked) {
    auto self = shared_from_this(); // keeps the client state alive across suspensions
    if (opts.api_key.empty())
        co_return error_code(errc::missing_api_key);
    const std::string_view method_name = http::to_string(method);
    milliseconds previous{0};
    // Whether an attempt so far may have been acted on: sent without a
    // definite answer, or answered with anything but 429 and 503 (which say
    // the request was not processed). A cancelled submit is unknown only then.
    bool maybe_acted = false;
    auto stop_asked = [&] {
        return asked && !repeatable &&
               (*asked & (asio::cancellation_type::terminal | asio::cancellation_type::partial |
                          asio::cancellation_type::total)) != asio::cancellation_type::none;
    };
    for (unsigned attempt = 1;; ++attempt) {
        diag.attempts = attempt;
        if (shut_down || ONEAI_CANCELLED() || (attempt > 1 && stop_asked())) {
            diag.request_sent = maybe_acted;
            co_return error_code(cancelled_error());
        }
        const milliseconds left = time_left(until);
        if (left.count() == 0)
            co_return error_code(errc::deadline_exceeded);
        ++counters.requests;
        if (hooks.on_request)
            hooks.on_request({method_name, target, attempt});
        // Timed only for a hook that reports it: a clock read is not free.
        const auto started = hooks.on_response ? clock::now() : clock::time_point{};

        detail::exchange_result exchanged;
        // A kept-alive connection that the server closed is replaced once by a
        // fresh one, when nothing of the request can have been acted on.
        for (bool fresh_only = false;;) {
            // A submit is never written on a connection the server closed: it
            // could not be resent, and its fate would be unknown.
            std::unique_ptr<detail::connection> conn =
                fresh_only ? nullptr : pool->take_idle(!repeatable);
            if (!conn) {
                auto lease = co_await pool->acquire(fresh_only, !repeatable);
                if (!lease) {
                    exchanged = {};
                    exchanged.ec = lease.error();
                    break;
                }
                conn = std::move(*lease);
            }
            const milliseconds timeout = std::min(opts.request_timeout, left);
            // A file streams as an upload; anything else is one head and body.
            // One await for both: each await's result takes room in the frame.
            std::unique_ptr<detail::file_request> upload;
            std::string head;
            if (file) {
                upload = upload_request(method, target, *file, diag);
                if (!upload) {
                    pool->release(std::move(conn));
                    co_return error_code(errc::invalid_argument);
                }
            } else {
                head = request_head(method_name, target, body.size(), *this);
            }
            // Named, not awaited in the conditional: GCC 12 destroys an
            // awaitable temporary of a conditional twice (the frame with it).
            auto exchanging =
                upload ? conn->exchange(*upload, timeout, opts.max_response_size, !repeatable)
                       : conn->exchange(head, body, timeout, opts.max_response_size, !repeatable);
            exchanged = co_await std::move(exchanging);
            // A timeout is not a stale connection (that fails at once, with an
            // end of stream or a reset): sending again would outlast the
            // request timeout and the deadline both.
            const bool stale = exchanged.ec && conn->reused && !exchanged.response_started &&
                               exchanged.ec != asio::error::operation_aborted &&
                               exchanged.ec != beast::error::timeout &&
                               (repeatable || !exchanged.request_sent) && !fresh_only;
            pool->release(std::move(conn));
            if (!stale)
                break;
            fresh_only = true;
        }
        counters.connections_opened = pool->counters().opened;
        counters.connections_reused = pool->counters().reused;
        diag.request_sent = maybe_acted || exchanged.request_sent;
        if (exchanged.ec == asio::error::operation_aborted || (exchanged.ec && ONEAI_CANCELLED()))
            co_return error_code(cancelled_error());
        const auto decision =
            judge_attempt({method_name, target, attempt, repeatable, until, previous, started},
                          exchanged, maybe_acted, diag);
        using action = detail::retry_decision::action;
        if (decision.what == action::succeed)
            co_return http_reply{diag.http_status, std::move(exchanged.response.body())};
        if (decision.what == action::fail)
            co_return error_code(decision.error);
        previous = decision.delay;
        if (!repeatable && !maybe_acted) // nothing exists yet: any cancellation may stop it again
            co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
        // No await inside a conditional expression (GCC 12 mishandles the
        // temporaries of one): the sleep, or a look at the cancellation state.
        bool go_on = !stop_asked();
        if (go_on && decision.delay.count() > 0) {
            auto sleeping = sleep_for(decision.delay);
            go_on = co_await std::move(sleeping);
        } else if (go_on) {
            go_on = !ONEAI_CANCELLED();
        }
        if (!go_on) {
            diag.request_sent = maybe_acted;
            co_return error_code(cancelled_error());
        }
    }
}

// A pipeline's steps as JSON, kept for the last pipeline seen: a batch or a
// service sends the same one again and again, and building it costs more than
// comparing the steps.
const std::string& client_base::impl::steps_json_of(const pipeline& p) {
    if (!steps_cache.json.empty() && steps_cache.steps == p.steps())
        return steps_cache.json;
    std::string json = detail::encode_steps(p); // both made before either is kept
    std::vector<pipeline::step> steps = p.steps();
    steps_cache.json = std::move(json);
    steps_cache.steps = std::move(steps);
    return steps_cache.json;
}

outcome<detail::encoded_request> client_base::impl::pipeline_request(const pipeline& p,
                                                                     const input& in, bool async,
                                                                     diagnostics& diag) {
    try {
        const bool text_body = std::holds_alternative<text_input>(in) ||
                               std::holds_alternative<url_input>(in); // what uses the cache
        return detail::encode_request(
            p, in, async, text_body ? std::string_view(steps_json_of(p)) : std::string_view());
    } catch (const std::invalid_argument& e) {
        diag.message = e.what();
        return error_code(errc::invalid_argument);
    }
}

asio::awaitable<outcome<task>> client_base::impl::submit(pipeline p, input in, deadline until,
                                                         diagnostics& diag,
                                                         const asio::cancellation_type* asked) {
    auto request = pipeline_request(p, in, true, diag);
    if (!request)
        co_return request.error();
    // Not repeatable: a submit sent twice may make two tasks.
    auto reply =
        co_await send(http::verb::post, api_path + request->target_suffix,
                      std::move(request->json_body), request->file, false, until, diag, asked);
    if (!reply)
        co_return reply.error();
    std::string why;
    auto id = submitted_id(reply->body, why);
    if (!id) {
        // The task may exist, but without its id nobody can wait on it.
        diag.message = why;
        co_return error_code(errc::bad_response);
    }
    if (!detail::is_task_id(*id)) {
        // Checked here, where ids enter: they go into URLs, journals and output.
        diag.message = "the submit answer's task_id is not a UUID";
        co_return error_code(errc::bad_response);
    }
    ++counters.submits;
    diag.task_id = *id;
    co_return task(std::move(*id));
}

outcome<std::string> client_base::impl::status_target(const task& t, diagnostics& diag) const {
    diag.task_id = t.id();
    if (!detail::is_task_id(t.id())) {
        diag.task_id.clear(); // never echo an id that may carry control characters
        diag.message = t.empty() ? "empty task id" : "a task id is a UUID (8-4-4-4-12 hex digits)";
        return error_code(errc::invalid_argument);
    }
    constexpr std::string_view tasks = "/async/tasks/";
    std::string target;
    target.reserve(api_path.size() + tasks.size() + t.id().size()); // one allocation, not three
    target.append(api_path).append(tasks).append(t.id());
    return target;
}

outcome<task_status> client_base::impl::status_answer(outcome<http_reply>& reply, const task& t,
                                                      detail::result_decoding how,
                                                      diagnostics& diag) const {
    if (!reply)
        return reply.error() == errc::invalid_request && diag.http_status == 404
                   ? error_code(errc::task_not_found)
                   : reply.error();
    auto decoded = detail::read_task_status(reply->body, how, diag);
    if (decoded && decoded->task.empty())
        decoded->task = t;
    return decoded;
}

asio::awaitable<outcome<task_status>>
client_base::impl::status(task t, deadline until, diagnostics& diag, detail::result_decoding how) {
    auto target = status_target(t, diag);
    if (!target)
        co_return target.error();
    std::string no_body; // named: GCC 12 destroys a braced temporary in an await twice
    auto reply = co_await send(http::verb::get, std::move(*target), std::move(no_body), nullptr,
                               true, until, diag);
    co_return status_answer(reply, t, how, diag);
}

detail::poll_context client_base::impl::poll_context_of(const wait_progress& w) {
    return detail::poll_context{w.policy, w.until, planner.plan(w.policy, w.shape),
                                opts.retries.max_retry_after};
}

void client_base::impl::begin_wait(wait_progress& w, diagnostics& diag) {
    w.started = clock::now();
    w.start_number = planner.start();
    w.history = detail::poll_history{w.started, 0, milliseconds{0}};
    diag.task_id = w.t.id();
    auto first = poll_context_of(w);
    planner.choose_scout(first, w.shape, clock::now());
    w.step = detail::first_poll(first, w.history, clock::now());
}

std::optional<outcome<result>> client_base::impl::on_status_answer(wait_progress& w,
                                                                   outcome<http_reply>& reply,
                                                                   diagnostics& diag) {
    auto s = status_answer(reply, w.t, detail::result_decoding::typed, diag);
    ++w.history.polls;
    diag.polls = w.history.polls;
    if (s) {
        ++counters.polls;
        if (hooks.on_poll)
            hooks.on_poll({w.t.id(), w.history.polls, s->state});
    }
    w.step = detail::next_poll(poll_context_of(w), w.history,
                               {s.error(), s ? s->state : task_state::unknown, diag.retry_after},
                               clock::now(), rng);
    w.history.previous_delay = w.step.delay;
    if (w.step.what == detail::poll_step::action::poll)
        return std::nullopt;
    if (s && s->finished())
        planner.learn(w.shape, *s, w.start_number);
    const error_code ec = w.step.ec;
    if (ec == errc::task_failed) {
        ++counters.failed;
        if (const auto& failure = s->failure) {
            diag.api_code = failure->api_code;
            diag.message = failure->message;
            diag.details = failure->details;
        }
    } else if (!ec) {
        ++counters.completed;
    }
    if (hooks.on_completion)
        hooks.on_completion({w.t.id(),
                             ec ? (s ? s->state : task_state::unknown) : task_state::completed, ec,
                             std::chrono::duration_cast<milliseconds>(clock::now() - w.started)});
    if (ec)
        return outcome<result>(ec);
    return outcome<result>(std::move(*s->result));
}

asio::awaitable<outcome<result>> client_base::impl::wait(task t, poll_policy policy, deadline until,
                                                         diagnostics& diag,
                                                         detail::task_shape shape) {
    // The loop's state and decisions live in plain functions: what they keep
    // in locals stays out of this coroutine's frame (frames are allocations).
    wait_progress w{t, policy, until, shape};
    begin_wait(w, diag);
    for (;;) {
        const auto delay = std::chrono::duration_cast<milliseconds>(w.step.at - clock::now());
        bool go_on; // see send(): no await inside a conditional expression
        if (delay.count() > 0) {
            auto sleeping = sleep_for(delay);
            go_on = co_await std::move(sleeping);
        } else {
            go_on = !ONEAI_CANCELLED();
        }
        if (!go_on)
            co_return error_code(cancelled_error());
        diag.retry_after.reset(); // a hint applies to the answer that carried it only
        // What status() does, inline: a coroutine frame fewer per poll.
        outcome<http_reply> reply = error_code(errc::invalid_argument); // no target: a bad id
        std::string no_body; // named: GCC 12 destroys a braced temporary in an await twice
        if (auto target = status_target(t, diag))
            reply = co_await send(http::verb::get, std::move(*target), std::move(no_body), nullptr,
                                  true, until, diag);
        if (auto done = on_status_answer(w, reply, diag))
            co_return std::move(*done);
    }
}

asio::awaitable<outcome<result>> client_base::impl::run(pipeline p, input in, diagnostics& diag,
                                                        const asio::cancellation_type* asked) {
    const detail::task_shape shape = detail::shape_of(detail::pipeline_fingerprint(p), in);
    // One deadline for the whole run: the wait gets what the submit left.
    const deadline until = task_deadline();
    auto submitted = co_await submit(std::move(p), std::move(in), until, diag, asked);
    if (!submitted)
        co_return submitted.error();
    // The task exists now: a total cancellation can no longer undo the run.
    co_await asio::this_coro::reset_cancellation_state(asio::enable_partial_cancellation());
    co_return co_await wait(std::move(*submitted), opts.polling, until, diag, shape);
}

asio::awaitable<outcome<result>> client_base::impl::run_sync(pipeline p, input in,
                                                             diagnostics& diag) {
    const deadline until = task_deadline(); // from the start, encoding included
    auto request = pipeline_request(p, in, false, diag);
    if (!request)
        co_return request.error();
    // A sync run leaves no task behind, so sending it again is safe.
    auto reply = co_await send(http::verb::post, api_path + request->target_suffix,
                               std::move(request->json_body), request->file, true, until, diag);
    if (!reply)
        co_return reply.error();
    co_return detail::read_result(reply->body, diag);
}

} // namespace oneai
