#include <oneai/batch_engine.hpp>
#include <oneai/poll_scheduler.hpp>
#include <oneai/rate_limiter.hpp>

#include "adaptive_limit.hpp"
#include "client/client_access.hpp"
#include "client/core/request_codec.hpp"
#include "client/core/server_time.hpp"
#include "client/polling/task_shape.hpp"
#include "common/fnv1a.hpp"
#include "journal.hpp"

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <list>
#include <map>
#include <random>
#include <unordered_map>
#include <utility>

namespace oneai {
namespace asio = boost::asio;
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

double ms_since(clock::time_point t) {
    return std::chrono::duration<double, std::milli>(clock::now() - t).count();
}

// Per item between its submit and its outcome: what the outcome carries back.
// What an item's outcome line needs besides its task's status, kept from its
// read to its outcome. Small on purpose: one per item in flight, and batches
// hold hundreds of thousands. The task id lives in the scheduler's record.
struct item_words { // the caller's id and other fields, for the few lines that have them
    std::string id;
    std::string echo_json;
};
struct item_meta {
    clock::time_point started{};
    std::uint64_t fingerprint = 0;
    float submit_ms = 0;
    std::unique_ptr<item_words> words; // null: no id, nothing to echo
};

// A submit from the moment its intent is staged until its answer.
struct pending_submit {
    std::uint64_t index = 0;
    input in;
    unsigned refusals = 0; // 429 answers so far
    diagnostics diag;
    asio::cancellation_signal signal;
    bool sent = false; // handed to the client
};

// The pipeline and service a journal belongs to.
detail::journal_header journal_header_for(const pipeline& p, const options& client_options) {
    const std::string definition = detail::encode_pipeline_definition(p);
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx",
                  static_cast<unsigned long long>(common::fnv1a64(definition)));
    std::string host = client_options.base_url;
    if (auto scheme = host.find("://"); scheme != std::string::npos)
        host.erase(0, scheme + 3);
    host = host.substr(0, host.find('/'));
    for (char& ch : host)
        if (ch <= ' ' || ch == 0x7f)
            ch = '_';
    return {hash, p.input_type_override().empty() ? "auto" : p.input_type_override(), host};
}

} // namespace

const char* to_string(batch_outcome::kind k) noexcept {
    switch (k) {
    case batch_outcome::kind::completed:
        return "COMPLETED";
    case batch_outcome::kind::failed:
        return "FAILED";
    case batch_outcome::kind::invalid:
        return "INVALID";
    case batch_outcome::kind::unknown:
        return "UNKNOWN";
    case batch_outcome::kind::error:
        return "ERROR";
    }
    return "ERROR";
}

struct batch_engine::impl : std::enable_shared_from_this<impl> {
    impl(client_base& c_, batch_options o, source sync_from, async_source async_from, sink t,
         std::unordered_set<std::uint64_t> done)
        : client_state(detail::client_access::state(c_)), opts(std::move(o)),
          from(std::move(sync_from)), from_async(std::move(async_from)), to(std::move(t)),
          already(std::move(done)),
          rate(opts.rate > 0
                   ? std::make_shared<rate_limiter>(opts.rate, std::max(1.0, opts.rate / 10))
                   : nullptr),
          limit(std::min<std::size_t>(opts.concurrency, 8), opts.concurrency),
          pause(c_.get_executor()), grace(c_.get_executor()), started(clock::now()),
          rng(std::random_device{}()), pipeline_key(detail::pipeline_fingerprint(opts.pipeline)) {
        if (!opts.journal_path.empty())
            open_journal();
    }

    // The client's state, not the object, which may move: it also says when
    // the client is shut down.
    std::shared_ptr<client_base::impl> client_state;
    batch_options opts;
    source from;
    async_source from_async;
    sink to;
    std::unordered_set<std::uint64_t> already;
    detail::journal_state resume;
    std::unique_ptr<detail::journal> log;
    std::shared_ptr<rate_limiter> rate;
    detail::adaptive_limit limit;
    std::unique_ptr<poll_scheduler> scheduler;
    asio::steady_timer pause; // the rate limiter's wait
    asio::steady_timer grace; // stopping now: submits on the wire may finish
    bool pause_armed = false;
    std::unordered_map<std::uint64_t, item_meta> meta;
    std::list<std::shared_ptr<pending_submit>> submits;  // staged, sent or waiting after a 429
    std::vector<std::shared_ptr<pending_submit>> unsent; // staged this turn, sent at the flush
    std::list<std::unique_ptr<asio::steady_timer>> refusal_waits;
    std::deque<std::uint64_t> order;             // ordered mode: indexes in input order
    std::map<std::uint64_t, batch_outcome> held; // ordered mode: finished, not yet emitted
    std::list<std::function<void()>>::iterator shutdown_listener;
    bool listening = false;
    // Optional, not assigned: Asio 1.81's any_completion_handler move assignment
    // wraps the handler in itself (it copies `other` as a new handler).
    std::optional<run_handler> handler;
    batch_progress counts;
    clock::time_point started;
    std::mt19937_64 rng;
    std::uint64_t pipeline_key; // for adaptive polling's service-time model
    error_code end_error;
    std::string end_message;
    bool running = false, stopping = false, stop_now = false, finished = false;
    bool pulling = false, filling = false, flush_posted = false, fill_posted = false;
    bool sink_dirty = false;  // outcomes given to the sink since its last flush
    batch_progress unflushed; // their counts: taken back if the flush fails

    void open_journal() {
        log = std::make_unique<detail::journal>(opts.journal_path);
        const detail::journal_header expected =
            journal_header_for(opts.pipeline, client_state->opts);
        if (opts.journal == journal_mode::overwrite || log->empty()) {
            log->truncate();
            log->header(expected);
            log->flush(opts.fsync);
            return;
        }
        if (opts.journal == journal_mode::fresh)
            throw std::runtime_error("the journal '" + opts.journal_path +
                                     "' holds an earlier batch: resume it or start over");
        resume = log->load();
        const auto& found = resume.header;
        if (found.pipeline != expected.pipeline || found.input != expected.input)
            throw std::runtime_error(
                "the journal '" + opts.journal_path +
                "' was written for another pipeline (steps, parameters or input type differ); "
                "resume with the same --skill/--pipeline flags, or start over");
        if (found.host != expected.host)
            throw std::runtime_error("the journal '" + opts.journal_path +
                                     "' was written for the service at " + found.host + ", not " +
                                     expected.host + "; its task ids mean nothing there");
    }

    bool client_usable() const { return !client_state->shut_down; }
    // The client's executor, reached through its state: the client object
    // itself may be gone (its destructor is what shut it down).
    const client_base::impl::executor_type& executor() const { return client_state->ex; }

    // --- running

    void begin(run_handler h) {
        if (running || finished) {
            // One run per engine: a second one is a caller's mistake, reported, not UB.
            deliver_later(std::move(h), asio::error::already_started, batch_summary{});
            return;
        }
        running = true;
        handler.emplace(std::move(h));
        auto slot = asio::get_associated_cancellation_slot(*handler);
        if (slot.is_connected())
            slot.assign([weak = weak_from_this()](asio::cancellation_type type) {
                if (auto self = weak.lock())
                    self->stop((type & asio::cancellation_type::terminal) ==
                               asio::cancellation_type::none);
            });
        client_state->shutdown_listeners.push_back([weak = weak_from_this()] {
            if (auto self = weak.lock())
                self->on_client_shutdown();
        });
        shutdown_listener = std::prev(client_state->shutdown_listeners.end());
        listening = true;
        if (!client_usable())
            return on_client_shutdown();
        scheduler = detail::client_access::make_scheduler(
            client_state, scheduler_options{opts.max_concurrent_polls, rate, opts.typed_results},
            [weak = weak_from_this()](poll_scheduler::completion&& r) {
                if (auto self = weak.lock())
                    self->on_polled(std::move(r));
            });
        fill();
    }

    std::size_t outstanding() const { return counts.in_flight + submits.size(); }

    bool may_take() const {
        if (stopping || finished || counts.source_done || pulling)
            return false;
        if (outstanding() >= limit.current())
            return false;
        if (opts.ordered && order.size() >= opts.reorder_window)
            return false; // the oldest item holds the window: wait for it
        return true;
    }

    // Takes items from the source while the limits allow.
    void fill() {
        if (filling || fill_posted)
            return; // a synchronous pull completing inside the loop below, or a turn to come
        filling = true;
        // Items that take no slot (invalid lines, skipped ones) could keep this
        // loop going for millions of lines: yield to the event loop now and
        // then, so that signals, timers and answers are served.
        std::size_t taken = 0;
        while (may_take()) {
            if (++taken > 512) {
                fill_posted = true;
                asio::post(executor(), [weak = weak_from_this()] {
                    if (auto self = weak.lock()) {
                        self->fill_posted = false;
                        if (!self->finished)
                            self->fill();
                    }
                });
                break;
            }
            if (opts.fail_fast && counts.failed > 0) {
                stopping = true;
                break;
            }
            if (rate) {
                auto wait = rate->take(clock::now());
                if (wait > clock::duration::zero()) {
                    wait_then_fill(wait);
                    break;
                }
            }
            if (from_async) {
                pulling = true;
                from_async([weak = weak_from_this()](std::optional<batch_item> item) {
                    if (auto self = weak.lock(); self && !self->finished) {
                        self->pulling = false;
                        self->on_pulled(std::move(item));
                        self->fill();
                    }
                });
                continue; // a pull that completed inline clears `pulling`
            }
            std::optional<batch_item> item;
            try {
                item = from();
            } catch (const std::exception& e) { // the input could not be read
                filling = false;
                return end_with(errc::invalid_argument, e.what());
            }
            on_pulled(std::move(item));
        }
        filling = false;
        check_done();
    }

    void on_pulled(std::optional<batch_item> item) {
        if (!item) {
            counts.source_done = true;
            return;
        }
        ++counts.read;
        take(std::move(*item));
    }

    void wait_then_fill(clock::duration wait) {
        if (pause_armed)
            return;
        pause_armed = true;
        pause.expires_after(wait);
        pause.async_wait([weak = weak_from_this()](error_code ec) {
            if (auto self = weak.lock()) {
                self->pause_armed = false;
                if (!ec)
                    self->fill();
            }
        });
    }

    bool recorded_differently(std::uint64_t index, std::uint64_t fingerprint) const {
        if (fingerprint == 0)
            return false;
        auto known = resume.line_hash.find(index);
        return known != resume.line_hash.end() && known->second != 0 &&
               known->second != fingerprint;
    }

    void take(batch_item item) {
        const std::uint64_t index = item.index;
        if (recorded_differently(index, item.fingerprint))
            return end_with(errc::invalid_argument,
                            "input line " + std::to_string(index + 1) +
                                " differs from the line the journal recorded; restore the "
                                "input, or start over");
        if (already.contains(index) || resume.finished.contains(index)) {
            ++counts.skipped;
            return;
        }
        if (opts.ordered)
            order.push_back(index);
        item_meta& m = meta[index];
        if (!item.id.empty() || !item.echo_json.empty())
            m.words.reset(new item_words{std::move(item.id), std::move(item.echo_json)});
        m.fingerprint = item.fingerprint;
        m.started = clock::now();
        if (!item.invalid.empty()) {
            batch_outcome o;
            o.index = index;
            o.what = batch_outcome::kind::invalid;
            o.ec = errc::invalid_argument;
            o.diag.message = std::move(item.invalid);
            return emit(std::move(o));
        }
        if (auto known = resume.submitted.find(index); known != resume.submitted.end()) {
            // Submitted by an earlier run: wait on it, never submit it again.
            ++counts.in_flight;
            scheduler->add(task(known->second), index, opts.polling,
                           clock::now() + opts.task_timeout,
                           detail::shape_of(pipeline_key, item.input));
            return;
        }
        if (resume.unsure.contains(index) && !opts.resubmit_unknown) {
            batch_outcome o;
            o.index = index;
            o.what = batch_outcome::kind::unknown;
            o.ec = errc::unknown_submission_outcome;
            o.diag.message = "an earlier run sent this submit but never learned its task id";
            return emit(std::move(o));
        }
        auto sub = std::make_shared<pending_submit>();
        sub->index = index;
        sub->in = std::move(item.input);
        stage_submit(std::move(sub));
    }

    // The intent is staged now; the submit goes out at the turn's flush, after
    // the intent has reached the kernel (and the disk, with fsync).
    void stage_submit(std::shared_ptr<pending_submit> sub) {
        if (log)
            log->intent(sub->index, meta[sub->index].fingerprint);
        submits.push_back(sub);
        unsent.push_back(std::move(sub));
        schedule_flush();
    }

    void schedule_flush() {
        if (flush_posted)
            return;
        flush_posted = true;
        asio::post(executor(), [weak = weak_from_this()] {
            if (auto self = weak.lock()) {
                self->flush_posted = false;
                self->flush_turn();
            }
        });
    }

    // The sink's buffered outcomes reach their file before the journal's F
    // records say they are written. On failure those F records are forgotten
    // (a resume redoes the items) and the sink is never flushed again.
    bool flush_sink(std::string& failure) {
        if (!sink_dirty)
            return true;
        sink_dirty = false;
        const batch_progress taken = std::exchange(unflushed, batch_progress{});
        if (!opts.flush_sink)
            return true;
        try {
            opts.flush_sink(opts.fsync);
            return true;
        } catch (const std::exception& e) {
            opts.flush_sink = nullptr;
            if (log)
                log->drop_finishes();
            // Not written, so not done: the summary must not count them.
            counts.completed -= taken.completed;
            counts.failed -= taken.failed;
            counts.unknown -= taken.unknown;
            failure = e.what();
            return false;
        }
    }

    // Once per event-loop turn: the outcomes, then the journal's staged records
    // in one write (synced when they guard submits and --fsync asks), then the
    // submits.
    bool flush_journal() {
        std::string failure;
        if (!flush_sink(failure)) {
            end_with(errc::output_failed, failure);
            return false;
        }
        if (!log || !log->has_staged())
            return true;
        try {
            log->flush(opts.fsync && log->has_staged_intents());
            return true;
        } catch (const std::exception& e) {
            end_with(errc::output_failed, e.what());
            return false;
        }
    }

    void flush_turn() {
        if (finished)
            return;
        if (!flush_journal())
            return;
        auto batch = std::move(unsent);
        unsent.clear();
        for (auto& sub : batch) {
            if (stopping || !client_usable()) {
                forget_submit(*sub, "not_sent"); // the intent is answered: safe to send later
                continue;
            }
            send(sub);
        }
        check_done();
    }

    void send(const std::shared_ptr<pending_submit>& sub) {
        sub->sent = true;
        detail::client_access::start(
            client_state, submit_params{opts.pipeline, sub->in}, &sub->diag,
            detail::operation_handler<task>(asio::bind_cancellation_slot(
                sub->signal.slot(), [self = shared_from_this(), sub](error_code ec, task t) {
                    self->on_submitted(sub, ec, std::move(t));
                })));
    }

    void forget_submit(pending_submit& sub, const char* why) {
        if (log)
            log->retryable(sub.index, why);
        meta.erase(sub.index);
        drop_from_order(sub.index);
        submits.remove_if([&](const auto& s) { return s.get() == &sub; });
        schedule_flush();
    }

    void drop_from_order(std::uint64_t index) {
        if (!opts.ordered)
            return;
        for (auto it = order.begin(); it != order.end(); ++it)
            if (*it == index) {
                order.erase(it);
                break;
            }
        release_held();
    }

    void on_submitted(const std::shared_ptr<pending_submit>& sub, error_code ec, task t) {
        if (finished)
            return;
        const diagnostics& diag = sub->diag;
        counts.rate_limited += diag.rate_limited;
        counts.retries += diag.attempts > 1 ? diag.attempts - 1 : 0;
        const std::uint64_t index = sub->index;
        item_meta& m = meta[index];
        if (!ec) {
            submits.remove(sub);
            m.submit_ms = static_cast<float>(ms_since(m.started));
            if (log)
                log->submitted(index, t.id());
            schedule_flush();
            ++counts.submitted;
            limit.on_accepted(outstanding() + 1 >= limit.current());
            if (stop_now) { // stopped while the answer was on its way: the journal has it
                meta.erase(index);
                return check_done();
            }
            ++counts.in_flight;
            scheduler->add(t, index, opts.polling, m.started + opts.task_timeout,
                           detail::shape_of(pipeline_key, sub->in));
            return fill();
        }
        if (ec == errc::rate_limited) {
            // "Later", never "no": the service's limit is what is in flight now.
            limit.on_rate_limited(clock::now(), counts.in_flight);
            if (stopping || !client_usable())
                return forget_submit(*sub, "rate_limited");
            if (log)
                log->retryable(index, "rate_limited");
            schedule_flush();
            return retry_later(sub);
        }
        if (ec == asio::error::operation_aborted || ec == errc::client_shutdown) {
            // Stopped: a submit that never left stays safe to send; one that did is unknown.
            if (diag.request_sent) {
                if (log)
                    log->unknown(index);
                schedule_flush();
                submits.remove(sub);
                meta.erase(index);
                drop_from_order(index);
            } else {
                forget_submit(*sub, "not_sent");
            }
            return check_done();
        }
        submits.remove(sub);
        batch_outcome o;
        o.index = index;
        o.ec = ec;
        o.diag = diag;
        if (ec == errc::unknown_submission_outcome) {
            o.what = batch_outcome::kind::unknown;
            if (log)
                log->unknown(index);
        } else if (ec == errc::invalid_request || ec == errc::forbidden) {
            o.what = batch_outcome::kind::failed; // the service refused this input: final
            // No task exists; until the F record, sending it again is safe (and
            // an outcome held back for --ordered must not look unknown).
            if (log)
                log->retryable(index, error_name(ec));
        } else if (ec == errc::server_error) {
            // A 500 to a submit: the service may have acted on it (the client
            // does not resend it either). Unknown, never silently resent.
            o.what = batch_outcome::kind::unknown;
            if (log)
                log->unknown(index);
        } else {
            o.what = batch_outcome::kind::error;
            if (log)
                log->retryable(index, error_name(ec));
            if (ec == errc::unauthorized || ec == errc::missing_api_key)
                stopping = true; // every other item would fail the same way
        }
        emit(std::move(o));
        fill();
    }

    // Waits out a 429 (its Retry-After, or a growing jittered pause) and submits again.
    void retry_later(const std::shared_ptr<pending_submit>& sub) {
        ++sub->refusals;
        const unsigned step = std::min(sub->refusals, 6u);
        const milliseconds base{250 << step}; // 0.5 s, 1 s, ... 16 s
        milliseconds delay{
            std::uniform_int_distribution<long long>(base.count() / 2, base.count())(rng)};
        if (sub->diag.retry_after)
            delay = std::clamp(*sub->diag.retry_after, milliseconds{0}, milliseconds{60000});
        auto& timer = refusal_waits.emplace_back(std::make_unique<asio::steady_timer>(executor()));
        auto where = std::prev(refusal_waits.end());
        timer->expires_after(delay);
        timer->async_wait([weak = weak_from_this(), sub, where](error_code ec) {
            auto self = weak.lock();
            if (!self || self->finished)
                return;
            self->refusal_waits.erase(where);
            if (ec || self->stopping || !self->client_usable())
                return self->forget_submit(*sub, "rate_limited");
            sub->diag.clear();
            sub->sent = false; // until the flush hands it to the client again
            if (self->log)
                self->log->intent(sub->index, self->meta[sub->index].fingerprint);
            self->unsent.push_back(sub);
            self->schedule_flush();
        });
    }

    void on_polled(poll_scheduler::completion&& r) {
        if (finished)
            return;
        --counts.in_flight;
        batch_outcome o;
        o.index = r.tag;
        o.task_id = r.status.task.id();
        o.server_ms = detail::server_span_ms(r.status.creation_time, r.status.completion_time);
        o.ec = r.ec;
        o.polls = r.polls;
        if (!r.ec) {
            o.what = batch_outcome::kind::completed;
            o.result = std::move(r.status.result);
        } else if (r.ec == errc::task_failed) {
            o.what = batch_outcome::kind::failed;
            if (const auto& failure = r.status.failure) {
                o.diag.api_code = failure->api_code;
                o.diag.message = failure->message;
                o.diag.details = failure->details;
            }
        } else {
            o.what = batch_outcome::kind::error;
            o.diag.message = r.ec.message();
            if (log)
                log->retryable(r.tag, error_name(r.ec));
            schedule_flush();
        }
        emit(std::move(o));
        fill();
    }

    void emit(batch_outcome o) {
        if (auto it = meta.find(o.index); it != meta.end()) {
            if (auto& words = it->second.words) {
                o.id = std::move(words->id);
                o.echo_json = std::move(words->echo_json);
            }
            o.submit_ms = it->second.submit_ms;
            o.total_ms = ms_since(it->second.started);
            fingerprints[o.index] = it->second.fingerprint;
            meta.erase(it);
        }
        o.diag.task_id = o.task_id;
        if (!opts.ordered)
            return deliver(std::move(o));
        held.emplace(o.index, std::move(o));
        release_held();
    }

    std::unordered_map<std::uint64_t, std::uint64_t> fingerprints; // emitted, not yet journaled

    void release_held() {
        while (!order.empty() && !finished) {
            auto it = held.find(order.front());
            if (it == held.end())
                break;
            batch_outcome o = std::move(it->second);
            held.erase(it);
            order.pop_front();
            deliver(std::move(o));
        }
    }

    static bool is_final(batch_outcome::kind k) noexcept {
        return k == batch_outcome::kind::completed || k == batch_outcome::kind::failed ||
               k == batch_outcome::kind::invalid;
    }

    void deliver(batch_outcome&& o) {
        if (finished || !to)
            return;
        const std::uint64_t index = o.index;
        const auto what = o.what;
        try {
            to(std::move(o));
        } catch (const std::exception& e) {
            fingerprints.erase(index);
            return end_with(errc::output_failed, e.what());
        }
        sink_dirty = true;
        schedule_flush(); // the sink's buffer and the journal, once this turn
        if (what == batch_outcome::kind::completed) { // counted once the sink has it
            ++counts.completed;
            ++unflushed.completed;
        } else {
            ++counts.failed;
            ++unflushed.failed;
            if (what == batch_outcome::kind::unknown) {
                ++counts.unknown;
                ++unflushed.unknown;
            }
        }
        std::uint64_t fingerprint = 0;
        if (auto it = fingerprints.find(index); it != fingerprints.end()) {
            fingerprint = it->second;
            fingerprints.erase(it);
        }
        if (log && is_final(what))
            log->finished(index, fingerprint); // written after the sink's flush
    }

    // --- stopping

    void stop(bool drain) {
        if (finished)
            return;
        stopping = true;
        pause.cancel();
        for (auto& wait : refusal_waits)
            wait->cancel(); // each forgets its submit: a resume sends it
        if (!drain && !stop_now) {
            stop_now = true;
            // Tasks in flight stay valid on the server and in the journal.
            counts.in_flight = 0;
            if (scheduler)
                scheduler->stop();
            // Submits not yet written are abandoned at once (total); those on the
            // wire get a grace to bring their task ids home, then are cut.
            for (auto& sub : std::list(submits))
                if (sub->sent)
                    sub->signal.emit(asio::cancellation_type::total);
            grace.expires_after(opts.stop_grace);
            grace.async_wait([weak = weak_from_this()](error_code ec) {
                if (auto self = weak.lock(); self && !ec && !self->finished)
                    for (auto& sub : std::list(self->submits))
                        if (sub->sent)
                            sub->signal.emit(asio::cancellation_type::terminal);
            });
        }
        check_done();
    }

    // Called from inside client::shutdown() (and so from ~client): end at once,
    // so that nothing, no timer nor a completion on its way, calls the client again.
    void on_client_shutdown() {
        listening = false; // the client emptied its list
        end_with(errc::client_shutdown, "the client was shut down");
    }

    // Every item of the source has its outcome.
    bool all_done() const {
        return counts.source_done &&
               counts.completed + counts.failed + counts.skipped == counts.read;
    }

    void check_done() {
        if (log && log->has_staged() && !finished)
            schedule_flush(); // whatever a handler staged reaches the kernel this turn
        if (finished || !running || filling)
            return;
        if (outstanding() > 0 || !unsent.empty())
            return;
        if (!counts.source_done && !stopping)
            return;
        if ((pulling || fill_posted) && !stopping)
            return;
        if (opts.ordered && !stop_now && !held.empty())
            return;
        end_with(all_done() ? error_code{} : error_code(asio::error::operation_aborted),
                 all_done() ? "" : "stopped");
    }

    // Ends the run (once): the journal gets what is staged, every wait is
    // cancelled, and the handler gets the summary.
    void end_with(error_code ec, std::string message) {
        if (finished)
            return;
        finished = true;
        if (ec && ec != asio::error::operation_aborted) {
            stopping = stop_now = true; // a fault ends everything at once
            counts.in_flight = 0;
        }
        if (!ec && !all_done())
            ec = asio::error::operation_aborted;
        if (ec == asio::error::operation_aborted && message.empty())
            message = "stopped";
        end_error = ec;
        end_message = ec ? message : "";
        for (auto& sub : std::list(submits))
            if (log && !sub->sent)
                log->retryable(sub->index, "not_sent");
        unsent.clear();
        if (std::string failure; !flush_sink(failure)) {
            if (!end_error)
                end_error = errc::output_failed;
            end_message = failure;
        }
        if (log) {
            try {
                log->flush(opts.fsync);
            } catch (const std::exception& e) {
                if (!end_error) {
                    end_error = errc::output_failed;
                }
                end_message = e.what();
            }
        }
        pause.cancel();
        grace.cancel();
        for (auto& wait : refusal_waits)
            wait->cancel();
        if (scheduler)
            scheduler->stop();
        for (auto& sub : std::list(submits))
            sub->signal.emit(asio::cancellation_type::terminal);
        if (listening) {
            client_state->shutdown_listeners.erase(shutdown_listener);
            listening = false;
        }
        complete();
    }

    void complete() {
        if (!handler)
            return;
        asio::get_associated_cancellation_slot(*handler).clear();
        run_handler h(std::move(*handler));
        handler.reset();
        deliver_later(std::move(h), end_error, batch_summary{snapshot(), end_message});
    }

    // Never inline: the caller may be inside its own sink or stop() call.
    void deliver_later(run_handler h, error_code ec, batch_summary summary) {
        asio::post(executor(), [h = std::move(h), ec, summary = std::move(summary),
                                fallback = executor()]() mutable {
            auto ex = asio::get_associated_executor(h, fallback);
            asio::dispatch(ex, [h = std::move(h), ec, summary = std::move(summary)]() mutable {
                std::move(h)(ec, std::move(summary));
            });
        });
    }

    // The engine is being destroyed: end now, and never call the source or sink again.
    void abandon() {
        from = nullptr;
        from_async = nullptr;
        to = nullptr;
        opts.flush_sink = nullptr;
        if (log && sink_dirty)
            log->drop_finishes(); // the sink may never write what it buffered
        if (!finished)
            end_with(asio::error::operation_aborted, "the batch engine was destroyed");
    }

    batch_progress snapshot() const {
        batch_progress p = counts;
        if (scheduler) {
            const auto s = scheduler->stats();
            p.rate_limited += s.rate_limited;
            p.retries += s.retries;
        }
        p.limit = limit.current();
        p.elapsed = std::chrono::duration_cast<std::chrono::seconds>(clock::now() - started);
        const double seconds = std::chrono::duration<double>(clock::now() - started).count();
        const double done = static_cast<double>(counts.completed + counts.failed);
        p.per_second = seconds > 0 ? done / seconds : 0;
        if (opts.expected_total && p.per_second > 0) {
            const double left = static_cast<double>(*opts.expected_total) - done -
                                static_cast<double>(counts.skipped);
            p.eta =
                std::chrono::seconds(static_cast<long long>(std::max(0.0, left) / p.per_second));
        }
        return p;
    }
};

batch_engine::batch_engine(client_base& c, batch_options opts, source from, sink to,
                           std::unordered_set<std::uint64_t> already_finished)
    : impl_(std::make_shared<impl>(c, std::move(opts), std::move(from), nullptr, std::move(to),
                                   std::move(already_finished))) {}

batch_engine::batch_engine(client_base& c, batch_options opts, async_source from, sink to,
                           std::unordered_set<std::uint64_t> already_finished)
    : impl_(std::make_shared<impl>(c, std::move(opts), nullptr, std::move(from), std::move(to),
                                   std::move(already_finished))) {}

batch_engine::~batch_engine() {
    impl_->abandon();
}

void batch_engine::launch(run_handler handler) {
    impl_->begin(std::move(handler));
}
void batch_engine::stop(bool drain) {
    impl_->stop(drain);
}
batch_progress batch_engine::progress() const {
    return impl_->snapshot();
}
void batch_engine::skip(const std::unordered_set<std::uint64_t>& already_finished) {
    impl_->already.insert(already_finished.begin(), already_finished.end());
}

std::optional<std::uint64_t>
batch_engine::finished_but_missing(const std::unordered_set<std::uint64_t>& have) const {
    for (std::uint64_t index : impl_->resume.finished)
        if (!have.contains(index))
            return index;
    return std::nullopt;
}

bool batch_engine::recorded_differently(std::uint64_t index, std::uint64_t fingerprint) const {
    return impl_->recorded_differently(index, fingerprint);
}

} // namespace oneai
