#include <oneai/batch_engine.hpp>
#include <oneai/poll_scheduler.hpp>
#include <oneai/rate_limiter.hpp>

#include "adaptive_limit.hpp"
#include "journal.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <list>
#include <map>
#include <unordered_map>

namespace oneai {
namespace asio = boost::asio;
namespace {

using clock = std::chrono::steady_clock;

// Milliseconds between two of the API's naive UTC times ("2022-08-21T09:15:39.007000");
// 0 when either does not parse.
double server_span_ms(const std::string& from, const std::string& to) {
    // Whole seconds and fractions apart: epoch seconds plus microseconds in one
    // double would lose the last digits.
    auto parse = [](const std::string& t, long long& seconds, double& fraction) {
        std::tm tm{};
        int consumed = 0;
        if (std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
                        &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
            return false;
        fraction = static_cast<std::size_t>(consumed) < t.size() && t[consumed] == '.'
                       ? std::strtod(t.c_str() + consumed, nullptr)
                       : 0.0;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        seconds = static_cast<long long>(timegm(&tm));
        return true;
    };
    long long sa = 0, sb = 0;
    double fa = 0, fb = 0;
    if (!parse(from, sa, fa) || !parse(to, sb, fb))
        return 0;
    const double ms = static_cast<double>(sb - sa) * 1000.0 + (fb - fa) * 1000.0;
    return ms > 0 ? std::round(ms * 1000.0) / 1000.0 : 0;
}

double ms_since(clock::time_point t) {
    return std::chrono::duration<double, std::milli>(clock::now() - t).count();
}

// Per item in flight: what its outcome must carry back.
struct item_meta {
    std::string id;
    std::string echo_json;
    clock::time_point started{}; // the task id lives in the scheduler's record, not here
    double submit_ms = 0;
};

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
    impl(client& c_, batch_options o, source f, sink t, std::unordered_set<std::uint64_t> done)
        : c(c_), opts(std::move(o)), from(std::move(f)), to(std::move(t)), already(std::move(done)),
          rate(opts.rate > 0
                   ? std::make_shared<rate_limiter>(opts.rate, std::max(1.0, opts.rate / 10))
                   : nullptr),
          limit(std::min<std::size_t>(opts.concurrency, 8), opts.concurrency),
          pause(c_.get_executor()), started(clock::now()) {
        if (!opts.journal_path.empty()) {
            resume = detail::journal::load(opts.journal_path);
            log = std::make_unique<detail::journal>(opts.journal_path);
        }
    }

    client& c;
    batch_options opts;
    source from;
    sink to;
    std::unordered_set<std::uint64_t> already;
    detail::journal_state resume;
    std::unique_ptr<detail::journal> log;
    std::shared_ptr<rate_limiter> rate;
    detail::adaptive_limit limit;
    std::unique_ptr<poll_scheduler> scheduler;
    asio::steady_timer pause;
    bool pause_armed = false;
    observer saved_hooks;
    std::unordered_map<std::uint64_t, item_meta> meta;
    std::list<std::shared_ptr<asio::cancellation_signal>> submits_under_way;
    std::deque<std::uint64_t> order;             // ordered mode: indexes in input order
    std::map<std::uint64_t, batch_outcome> held; // ordered mode: finished, not yet emitted
    std::function<void()> on_finished;
    batch_progress counts;
    std::size_t submitting = 0;
    clock::time_point started;
    bool stopping = false, stop_now = false, finished = false;

    void begin(std::function<void()> done) {
        on_finished = std::move(done);
        scheduler = std::make_unique<poll_scheduler>(
            c, scheduler_options{opts.max_concurrent_polls, rate},
            [weak = weak_from_this()](poll_scheduler::completion&& r) {
                if (auto self = weak.lock())
                    self->on_polled(std::move(r));
            });
        // Watch the client's answers for 429s (to back off) and retries, keeping
        // whatever hooks the caller had.
        saved_hooks = c.get_observer();
        observer hooks = saved_hooks;
        hooks.on_response = [weak = weak_from_this(),
                             inner = saved_hooks.on_response](const response_event& e) {
            if (auto self = weak.lock(); self && e.http_status == 429) {
                ++self->counts.rate_limited;
                // The service counts accepted, unfinished tasks: that is its limit.
                self->limit.on_rate_limited(clock::now(), self->counts.in_flight);
            }
            if (inner)
                inner(e);
        };
        hooks.on_retry = [weak = weak_from_this(),
                          inner = saved_hooks.on_retry](const retry_event& e) {
            if (auto self = weak.lock())
                ++self->counts.retries;
            if (inner)
                inner(e);
        };
        c.set_observer(std::move(hooks));
        fill();
    }

    std::size_t outstanding() const { return counts.in_flight + submitting; }

    // Takes items from the source while the limits allow.
    void fill() {
        while (!stopping && !counts.source_done && outstanding() < limit.current()) {
            if (opts.ordered && order.size() >= opts.reorder_window)
                break; // the oldest item holds the window: wait for it
            if (opts.fail_fast && counts.failed > 0) {
                stopping = true;
                break;
            }
            if (rate) {
                auto wait = rate->take(clock::now());
                if (wait > clock::duration::zero()) {
                    wait_then_fill(wait);
                    return;
                }
            }
            std::optional<batch_item> item = from();
            if (!item) {
                counts.source_done = true;
                break;
            }
            ++counts.read;
            take(std::move(*item));
        }
        check_done();
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

    void take(batch_item item) {
        const std::uint64_t index = item.index;
        if (already.contains(index) || resume.finished.contains(index)) {
            ++counts.skipped;
            return;
        }
        if (opts.ordered)
            order.push_back(index);
        item_meta& m = meta[index];
        m.id = std::move(item.id);
        m.echo_json = std::move(item.echo_json);
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
            scheduler->add(task(known->second), index, opts.polling);
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
        submit(index, std::move(item.input));
    }

    void submit(std::uint64_t index, input in) {
        if (log)
            log->intent(index); // before the request can reach the service
        ++submitting;
        auto diag = std::make_shared<diagnostics>();
        auto signal = std::make_shared<asio::cancellation_signal>();
        auto where = submits_under_way.insert(submits_under_way.end(), signal);
        c.async_submit(
            opts.pipeline, std::move(in), *diag,
            asio::bind_cancellation_slot(signal->slot(), [self = shared_from_this(), index, diag,
                                                          where](error_code ec, task t) {
                self->submits_under_way.erase(where);
                --self->submitting;
                self->on_submitted(index, ec, std::move(t), *diag);
            }));
    }

    void on_submitted(std::uint64_t index, error_code ec, task t, const diagnostics& diag) {
        item_meta& m = meta[index];
        m.submit_ms = ms_since(m.started);
        if (!ec) {
            if (log)
                log->submitted(index, t.id());
            ++counts.submitted;
            if (stop_now) { // stopped while the answer was on its way: the journal has it
                meta.erase(index);
                return check_done();
            }
            ++counts.in_flight;
            scheduler->add(t, index, opts.polling);
            return fill();
        }
        if (stop_now && (ec == asio::error::operation_aborted || ec == errc::client_shutdown)) {
            meta.erase(index); // the intent stays in the journal: resume decides
            return check_done();
        }
        batch_outcome o;
        o.index = index;
        o.ec = ec;
        o.diag = diag;
        if (ec == errc::unknown_submission_outcome) {
            if (log)
                log->unknown(index);
            o.what = batch_outcome::kind::unknown;
        } else {
            o.what = ec == errc::invalid_request || ec == errc::forbidden
                         ? batch_outcome::kind::failed
                         : batch_outcome::kind::error;
        }
        emit(std::move(o));
        fill();
    }

    void on_polled(poll_scheduler::completion&& r) {
        --counts.in_flight;
        limit.on_success(); // a slot is free again: the "ack" of the window
        batch_outcome o;
        o.index = r.tag;
        o.task_id = r.status.task.id();
        o.server_ms = server_span_ms(r.status.creation_time, r.status.completion_time);
        o.ec = r.ec;
        o.polls = r.polls;
        if (!r.ec) {
            o.what = batch_outcome::kind::completed;
            o.result = std::move(r.status.result);
        } else if (r.ec == errc::task_failed) {
            o.what = batch_outcome::kind::failed;
            o.diag.api_code = r.status.error_code;
            o.diag.message = r.status.error_message;
            o.diag.details = r.status.error_details;
        } else {
            o.what = batch_outcome::kind::error;
            o.diag.message = r.ec.message();
        }
        emit(std::move(o));
        fill();
    }

    void emit(batch_outcome o) {
        if (auto it = meta.find(o.index); it != meta.end()) {
            o.id = std::move(it->second.id);
            o.echo_json = std::move(it->second.echo_json);
            o.submit_ms = it->second.submit_ms;
            o.total_ms = ms_since(it->second.started);
            meta.erase(it);
        }
        o.diag.task_id = o.task_id;
        if (!opts.ordered)
            return deliver(std::move(o));
        held.emplace(o.index, std::move(o));
        while (!order.empty()) {
            auto it = held.find(order.front());
            if (it == held.end())
                break;
            deliver(std::move(it->second));
            held.erase(it);
            order.pop_front();
        }
    }

    void deliver(batch_outcome&& o) {
        const std::uint64_t index = o.index;
        if (o.what == batch_outcome::kind::completed) {
            ++counts.completed;
        } else {
            ++counts.failed;
            if (o.what == batch_outcome::kind::unknown)
                ++counts.unknown;
        }
        to(std::move(o));
        if (log)
            log->finished(index); // after the sink has the outcome
    }

    void check_done() {
        if (finished || outstanding() > 0)
            return;
        if (!counts.source_done && !stopping)
            return;
        if (opts.ordered && !stop_now && !held.empty())
            return;
        finished = true;
        c.set_observer(saved_hooks);
        pause.cancel();
        if (on_finished)
            on_finished();
    }

    void stop(bool drain) {
        stopping = true;
        if (!drain) {
            stop_now = true;
            // Tasks in flight stay valid on the server and in the journal.
            counts.in_flight = 0;
            if (scheduler)
                scheduler->stop();
            auto under_way = submits_under_way;
            for (auto& s : under_way)
                s->emit(asio::cancellation_type::terminal);
        }
        check_done();
    }

    batch_progress snapshot() const {
        batch_progress p = counts;
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

batch_engine::batch_engine(client& c, batch_options opts, source from, sink to,
                           std::unordered_set<std::uint64_t> already_finished)
    : impl_(std::make_shared<impl>(c, std::move(opts), std::move(from), std::move(to),
                                   std::move(already_finished))) {}

batch_engine::~batch_engine() {
    if (impl_->scheduler)
        impl_->scheduler->stop();
    if (!impl_->finished)
        impl_->c.set_observer(impl_->saved_hooks);
}

void batch_engine::start(std::function<void()> on_finished) {
    impl_->begin(std::move(on_finished));
}
void batch_engine::stop(bool drain) {
    impl_->stop(drain);
}
batch_progress batch_engine::progress() const {
    return impl_->snapshot();
}

} // namespace oneai
