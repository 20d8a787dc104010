#include <oneai/load/load_generator.hpp>
#include <oneai/load/task_sample.hpp>
#include <oneai/poll_scheduler.hpp>

#include "arrival_schedule.hpp"
#include "clock_offset.hpp"
#include "generated_text.hpp"

#include "client/client_access.hpp"
#include "client/core/server_time.hpp"
#include "client/polling/task_shape.hpp"

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cmath>
#include <deque>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace oneai::load {
namespace asio = boost::asio;

void load_options::check() const {
    const bool open = rate > 0;
    const bool closed = concurrency > 0;
    if (rate < 0 || !std::isfinite(rate))
        throw std::invalid_argument("the rate must be a positive number of tasks per second");
    if (open == closed)
        throw std::invalid_argument(
            "give a rate (open loop) or a concurrency (closed loop), exactly one");
    if (duration.count() <= 0 && requests == 0)
        throw std::invalid_argument("give a duration or a number of requests");
    if (duration.count() < 0 || warmup.count() < 0)
        throw std::invalid_argument("durations cannot be negative");
    if (pipeline.steps().empty())
        throw std::invalid_argument("the pipeline has no steps");
    if (inputs.empty() && words_max == 0 && text.empty())
        throw std::invalid_argument("no input: give inputs, generated words or a text");
    if (words_max > 0 && (words_min == 0 || words_min > words_max))
        throw std::invalid_argument("generated words: need 1 <= min <= max");
    if (open && max_in_flight == 0)
        throw std::invalid_argument("max_in_flight must be at least 1");
    if (sample_every.count() <= 0)
        throw std::invalid_argument("sample_every must be positive");
    if (mode == run_mode::async && max_concurrent_polls == 0)
        throw std::invalid_argument("max_concurrent_polls must be at least 1");
}

namespace {

using clock = std::chrono::steady_clock;
using std::chrono::microseconds;

microseconds us(clock::duration d) {
    return std::chrono::duration_cast<microseconds>(d);
}

std::int64_t unix_now_us() {
    return std::chrono::duration_cast<microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// One task between its start and its end.
struct task_record {
    clock::time_point intended;
    clock::time_point started;
    bool measured = false;
    bool polling = false;          // submitted; the scheduler has it
    std::int64_t sent_unix_us = 0; // our clock, for the offset to the service's
    std::int64_t answered_unix_us = 0;
    unsigned submit_attempts = 0;
    task_sample sample;
    diagnostics diag;
    asio::cancellation_signal signal; // sync mode: the call under way

    void reset() {
        measured = polling = false;
        sent_unix_us = answered_unix_us = 0;
        submit_attempts = 0;
        sample = {};
        diag.clear();
    }
};

// The records of the tasks in flight, reused: once a run has warmed up, a task
// allocates nothing of its own here. A tag is a slot and its generation, so an
// answer meant for a slot's earlier task is never taken for the current one.
class task_table {
  public:
    std::uint64_t add() {
        std::uint32_t index;
        if (!free_.empty()) {
            index = free_.back();
            free_.pop_back();
            slots_[index].record->reset();
        } else {
            index = static_cast<std::uint32_t>(slots_.size());
            slots_.push_back({std::make_unique<task_record>(), 0, false});
        }
        slot& s = slots_[index];
        s.live = true;
        ++size_;
        return (static_cast<std::uint64_t>(s.generation) << 32) | index;
    }
    task_record* find(std::uint64_t tag) {
        const auto index = static_cast<std::uint32_t>(tag);
        if (index >= slots_.size())
            return nullptr;
        slot& s = slots_[index];
        return s.live && s.generation == static_cast<std::uint32_t>(tag >> 32) ? s.record.get()
                                                                               : nullptr;
    }
    void remove(std::uint64_t tag) {
        if (!find(tag))
            return;
        slot& s = slots_[static_cast<std::uint32_t>(tag)];
        s.live = false;
        ++s.generation;
        free_.push_back(static_cast<std::uint32_t>(tag));
        --size_;
    }
    /// The tags of the live records.
    std::vector<std::uint64_t> tags() const {
        std::vector<std::uint64_t> out;
        for (std::uint32_t i = 0; i < slots_.size(); ++i)
            if (slots_[i].live)
                out.push_back((static_cast<std::uint64_t>(slots_[i].generation) << 32) | i);
        return out;
    }
    std::size_t size() const noexcept { return size_; }

  private:
    struct slot {
        std::unique_ptr<task_record> record; // stays put while the vector grows
        std::uint32_t generation = 0;
        bool live = false;
    };
    std::vector<slot> slots_;
    std::vector<std::uint32_t> free_;
    std::size_t size_ = 0;
};

class load_run : public std::enable_shared_from_this<load_run> {
  public:
    using handler_type = asio::any_completion_handler<void(error_code, load_report)>;

    load_run(std::shared_ptr<client_base::impl> c, load_options o, handler_type h)
        : c_(std::move(c)), opts_(std::move(o)), handler_(std::move(h)), arrival_timer_(c_->ex),
          sample_timer_(c_->ex), schedule_(opts_.rate, opts_.arrivals, opts_.seed),
          pipeline_key_(oneai::detail::pipeline_fingerprint(opts_.pipeline)),
          policy_(opts_.polling.value_or(c_->opts.polling)) {
        if (opts_.inputs.empty() && opts_.words_max > 0)
            words_.emplace(opts_.words_min, opts_.words_max, opts_.seed ^ 0x9e3779b97f4a7c15ull);
    }

    void start() {
        auto slot = asio::get_associated_cancellation_slot(handler_);
        if (slot.is_connected())
            slot.assign([weak = weak_from_this(), ex = c_->ex](asio::cancellation_type) {
                asio::post(ex, [weak] {
                    if (auto self = weak.lock())
                        self->cancel();
                });
            });
        if (opts_.mode == run_mode::async) {
            scheduler_options so;
            so.max_concurrent_polls = std::min(opts_.max_concurrent_polls, poll_slots());
            so.typed_results = false; // the stats and times are all a benchmark reads
            scheduler_ = oneai::detail::client_access::make_scheduler(
                c_, so, [weak = weak_from_this()](poll_scheduler::completion&& done) {
                    if (auto self = weak.lock())
                        self->on_polled(std::move(done));
                });
        }
        t0_ = clock::now();
        measured_start_ = t0_ + opts_.warmup;
        arm_sample(t0_ + opts_.sample_every);
        if (open_loop()) {
            next_intended_ = t0_ + schedule_.next();
            on_arrivals();
        } else {
            for (std::size_t i = 0; i < opts_.concurrency && !arrivals_over_; ++i) {
                const auto now = clock::now();
                if (admit(now))
                    launch(now, now);
            }
            check_done();
        }
    }

  private:
    bool open_loop() const { return opts_.rate > 0; }

    // The client's connections are split between the generator's calls
    // (submits, or sync calls) and the scheduler's polls, so that no request
    // ever waits for a connection inside the client: a task due while every
    // call slot is busy waits here, in a queue that costs a tag, and is timed
    // from its intended start all the same. (Waiting in the client costs a
    // coroutine and a timer each, and a waiter woken by a released
    // connection can lose it to a newer request, so an open loop that fell
    // behind once stayed seconds behind at rates the client sustains.)
    std::size_t connections() const {
        return std::max<std::size_t>(1, c_->opts.max_connections_per_host);
    }
    std::size_t call_slots() const {
        return opts_.mode == run_mode::sync ? connections()
                                            : std::max<std::size_t>(1, connections() / 2);
    }
    std::size_t poll_slots() const {
        return std::max<std::size_t>(1, connections() - call_slots());
    }

    // Whether a task meant to start at `intended` belongs to the run; ends the
    // arrivals at the first that does not.
    bool admit(clock::time_point intended) {
        if (arrivals_over_)
            return false;
        if (intended >= measured_start_) {
            const auto end = measured_start_ + opts_.duration;
            if (opts_.duration.count() > 0 && intended >= end)
                return end_arrivals(end);
            if (opts_.requests > 0 && admitted_measured_ >= opts_.requests)
                return end_arrivals(intended);
            ++admitted_measured_;
        }
        return true;
    }

    bool end_arrivals(clock::time_point intended_end) {
        arrivals_over_ = true;
        intended_end_ = intended_end;
        arrival_timer_.cancel();
        return false;
    }

    // Open loop: starts every arrival that is due, then sleeps until the next.
    void on_arrivals() {
        const auto now = clock::now();
        while (!arrivals_over_ && next_intended_ <= now) {
            if (!admit(next_intended_))
                break;
            if (in_flight_ < opts_.max_in_flight) {
                if (next_intended_ >= measured_start_)
                    report_.record_scheduling_lag(us(now - next_intended_));
                launch(next_intended_, now);
            } else {
                backlog_.push_back(next_intended_); // started as tasks end, never dropped
            }
            next_intended_ = t0_ + schedule_.next();
        }
        arm_arrival_timer(now);
        check_done();
    }

    // Wakes for the next arrival, but no sooner than one tick from now: at
    // high rates one wake then starts the few tasks that fell due meanwhile
    // (each still timed from its own intended start, so the wait is measured,
    // never hidden), instead of one kernel timer update and one wake per task.
    // A wake already set for that time or earlier stays as it is.
    void arm_arrival_timer(clock::time_point now) {
        if (arrivals_over_)
            return;
        const auto wake = std::max(next_intended_, now + arrival_tick);
        if (timer_armed_ && armed_for_ <= wake)
            return;
        timer_armed_ = true;
        armed_for_ = wake;
        const std::uint64_t generation = ++timer_generation_;
        arrival_timer_.expires_at(wake);
        arrival_timer_.async_wait([weak = weak_from_this(), generation](error_code ec) {
            auto self = weak.lock();
            if (!self || generation != self->timer_generation_)
                return; // re-armed since: the newer wait owns the timer
            self->timer_armed_ = false;
            if (!ec && !self->arrivals_over_)
                self->on_arrivals();
        });
    }

    // Open loop: the arrival timer's handler waits behind every answer the
    // event loop has already taken in, a batch of them at high rates; the
    // generator's own handlers run among them, so they start due tasks too.
    void start_due_arrivals() {
        if (open_loop() && !arrivals_over_ && next_intended_ <= clock::now())
            on_arrivals();
    }

    input next_input() {
        if (!opts_.inputs.empty())
            return opts_.inputs[next_input_index_++ % opts_.inputs.size()];
        if (words_)
            return text_input{words_->next()};
        return text_input{opts_.text};
    }

    void launch(clock::time_point intended, clock::time_point now) {
        const std::uint64_t tag = records_.add();
        auto& rec = *records_.find(tag);
        rec.intended = intended;
        rec.started = now;
        rec.measured = intended >= measured_start_;
        ++in_flight_;
        if (rec.measured) {
            ++report_.submitted;
            last_measured_start_ = now;
            report_.max_behind_schedule = std::max(report_.max_behind_schedule, us(now - intended));
            rec.sample.intended_start = us(intended - measured_start_);
        }
        if (calls_under_way_ >= call_slots()) {
            waiting_calls_.push_back(tag);
            return;
        }
        send(tag, rec);
    }

    void send(std::uint64_t tag, task_record& rec) {
        ++calls_under_way_;
        input in = next_input();
        rec.sent_unix_us = unix_now_us();
        auto weak = weak_from_this();
        if (opts_.mode == run_mode::sync) {
            oneai::detail::client_access::start(
                client_state(), run_sync_params{opts_.pipeline, std::move(in)}, &rec.diag,
                oneai::detail::operation_handler<result>(asio::bind_cancellation_slot(
                    rec.signal.slot(), [weak, tag](error_code ec, result r) {
                        if (auto self = weak.lock())
                            self->on_sync_done(tag, ec, std::move(r));
                    })));
            return;
        }
        const auto shape = oneai::detail::shape_of(pipeline_key_, in);
        oneai::detail::client_access::start(
            client_state(), submit_params{opts_.pipeline, std::move(in)}, &rec.diag,
            oneai::detail::operation_handler<task>(asio::bind_cancellation_slot(
                rec.signal.slot(), [weak, tag, shape](error_code ec, task t) {
                    if (auto self = weak.lock())
                        self->on_submitted(tag, ec, std::move(t), shape);
                })));
    }

    const std::shared_ptr<client_base::impl>& client_state() const { return c_; }

    task_record* find(std::uint64_t tag) { return records_.find(tag); }

    // A call ended: the next waiting task's call takes its place.
    void call_ended() {
        --calls_under_way_;
        while (!abandoning_ && !waiting_calls_.empty() && calls_under_way_ < call_slots()) {
            const auto tag = waiting_calls_.front();
            waiting_calls_.pop_front();
            if (task_record* rec = find(tag))
                send(tag, *rec);
        }
    }

    void on_submitted(std::uint64_t tag, error_code ec, task t, oneai::detail::task_shape shape) {
        call_ended();
        task_record* rec = find(tag);
        if (!rec)
            return;
        rec->answered_unix_us = unix_now_us();
        rec->sample.submit = us(clock::now() - rec->started);
        rec->sample.rate_limited += rec->diag.rate_limited;
        rec->submit_attempts = rec->diag.attempts;
        if (abandoning_)
            return forget(tag);
        if (ec)
            return finish(tag, task_outcome::error, ec);
        rec->polling = true;
        scheduler_->add(t, tag, policy_, rec->intended + c_->opts.task_deadline, shape);
        start_due_arrivals();
    }

    void on_sync_done(std::uint64_t tag, error_code ec, result r) {
        call_ended();
        task_record* rec = find(tag);
        if (!rec)
            return;
        rec->sample.submit = us(clock::now() - rec->started);
        rec->sample.rate_limited += rec->diag.rate_limited;
        if (abandoning_)
            return forget(tag);
        if (!ec)
            rec->sample.queue =
                microseconds(std::llround(std::max(0.0, r.stats.concurrency_wait_time) * 1e6));
        finish(tag,
               ec == errc::task_failed ? task_outcome::failed
               : ec                    ? task_outcome::error
                                       : task_outcome::completed,
               ec);
    }

    // The service's own times: queue wait (its stats), run time (creation to
    // completion, less the queue wait), and how long after its completion our
    // poll saw it, on our clock through the estimated offset.
    void read_service_times(task_record& rec, const task_status& s) {
        const auto created = oneai::detail::server_time_unix_us(s.creation_time);
        const auto completed = oneai::detail::server_time_unix_us(s.completion_time);
        const std::int64_t seen = unix_now_us();
        // A retried submit's creation time belongs to its last attempt, whose
        // send time we do not know: only single attempts are clock samples.
        if (created && rec.submit_attempts == 1)
            offset_.add(rec.sent_unix_us, rec.answered_unix_us, *created);
        if (!created || !completed)
            return;
        const std::int64_t span = std::max<std::int64_t>(0, *completed - *created);
        if (s.state == task_state::completed && s.result) {
            const auto queue = std::clamp<std::int64_t>(
                std::llround(std::max(0.0, s.result->stats.concurrency_wait_time) * 1e6), 0, span);
            rec.sample.queue = microseconds(queue);
            rec.sample.run = microseconds(span - queue);
        }
        if (auto offset = offset_.offset_us())
            rec.sample.detection =
                microseconds(std::max<std::int64_t>(0, seen - (*completed - *offset)));
    }

    void on_polled(poll_scheduler::completion&& done) {
        task_record* rec = find(done.tag);
        if (!rec)
            return;
        rec->sample.polls = done.polls;
        if (!done.ec || done.ec == errc::task_failed)
            read_service_times(*rec, done.status);
        if (done.ec == errc::task_failed) {
            const auto& failure = done.status.failure;
            rec->sample.api_error = failure && failure->api_code != 0
                                        ? std::to_string(failure->api_code)
                                        : error_name(done.ec);
            return finish(done.tag, task_outcome::failed, done.ec);
        }
        finish(done.tag, done.ec ? task_outcome::error : task_outcome::completed, done.ec);
    }

    void finish(std::uint64_t tag, task_outcome outcome, error_code ec) {
        task_record* rec = records_.find(tag);
        --in_flight_;
        const auto now = clock::now();
        if (rec->measured) {
            task_sample& s = rec->sample;
            s.end_to_end = us(now - rec->intended);
            s.outcome = outcome;
            if (outcome == task_outcome::error) {
                s.http_status = static_cast<int>(rec->diag.http_status);
                s.api_error =
                    rec->diag.api_code != 0 ? std::to_string(rec->diag.api_code) : error_name(ec);
            }
            report_.record(s);
            last_measured_end_ = now;
            if (opts_.on_task)
                opts_.on_task(s, us(rec->started - rec->intended));
        }
        records_.remove(tag);
        start_next(now);
        start_due_arrivals();
        check_done();
    }

    // Tasks dropped by an abandon: not recorded.
    void forget(std::uint64_t tag) {
        records_.remove(tag);
        --in_flight_;
        check_done();
    }

    // A task ended: in open loop, a slot for the oldest waiting arrival; in
    // closed loop, the next task.
    void start_next(clock::time_point now) {
        if (cancelled_)
            return;
        if (open_loop()) {
            if (!backlog_.empty() && in_flight_ < opts_.max_in_flight) {
                const auto intended = backlog_.front();
                backlog_.pop_front();
                launch(intended, now);
            }
        } else if (admit(now)) {
            launch(now, now);
        }
    }

    void arm_sample(clock::time_point at) {
        sample_timer_.expires_at(at);
        sample_timer_.async_wait([self = shared_from_this(), at](error_code ec) {
            if (ec || self->done_)
                return;
            const auto now = clock::now();
            if (now >= self->measured_start_)
                self->report_.record_in_flight(us(now - self->measured_start_), self->in_flight_);
            self->collect_poll_rate_limits();
            if (self->opts_.on_progress)
                self->opts_.on_progress(self->report_, self->in_flight_);
            self->arm_sample(at + self->opts_.sample_every);
        });
    }

    // The scheduler counts 429s on polls in total, not per task, so they are
    // the run's, never a task's: those met since the measured phase began go
    // into the report's total (on each sample tick, and once more at the end).
    void collect_poll_rate_limits() {
        if (!scheduler_)
            return;
        const auto seen = scheduler_->stats().rate_limited;
        const auto news = seen - std::exchange(poll_429s_seen_, seen);
        if (clock::now() >= measured_start_)
            report_.add_poll_rate_limits(news);
    }

    void cancel() {
        if (done_)
            return;
        ++cancels_;
        if (!cancelled_) {
            cancelled_ = true;
            cancelled_at_ = clock::now();
            if (!arrivals_over_)
                end_arrivals(std::max(cancelled_at_, measured_start_));
            backlog_.clear(); // never started: nothing to finish
        }
        if (opts_.on_cancel == cancel_behaviour::abandon || cancels_ > 1)
            abandon();
        check_done();
    }

    void abandon() {
        if (abandoning_)
            return;
        abandoning_ = true;
        if (scheduler_)
            scheduler_->stop(); // polled tasks end here: the scheduler reports none of them
        // Tasks waiting for a call slot were never sent: dropped now.
        for (auto tag : std::exchange(waiting_calls_, {})) {
            records_.remove(tag);
            --in_flight_;
        }
        // Submits and sync calls under way end (sync calls cancelled now), and
        // their handlers forget them.
        for (auto tag : records_.tags()) {
            task_record& rec = *records_.find(tag);
            if (rec.polling) {
                records_.remove(tag);
                --in_flight_;
            } else if (opts_.mode == run_mode::sync) {
                rec.signal.emit(asio::cancellation_type::terminal);
            }
        }
    }

    void check_done() {
        if (done_ || !arrivals_over_ || in_flight_ > 0 || !backlog_.empty())
            return;
        done_ = true;
        arrival_timer_.cancel();
        sample_timer_.cancel();
        collect_poll_rate_limits();
        if (scheduler_)
            scheduler_->stop();
        auto slot = asio::get_associated_cancellation_slot(handler_);
        if (slot.is_connected())
            slot.clear();

        report_.label = opts_.label;
        report_.target_rate = opts_.rate;
        report_.concurrency = opts_.concurrency;
        // The measured phase: in open loop the arrival window, stretched when the
        // starts fell behind it (so a slow generator shows as a lower rate); in
        // closed loop up to the last measured task's end.
        clock::time_point end = measured_start_;
        if (open_loop())
            end = std::max(intended_end_, last_measured_start_);
        else
            end = last_measured_end_;
        if (cancelled_)
            end = std::min(end, std::max(cancelled_at_, measured_start_));
        report_.duration = std::max(microseconds{0}, us(end - measured_start_));

        const error_code ec =
            cancelled_ ? error_code(asio::error::operation_aborted) : error_code{};
        auto ex = asio::get_associated_executor(handler_, c_->ex);
        asio::dispatch(ex, [h = std::move(handler_), ec, r = std::move(report_)]() mutable {
            std::move(h)(ec, std::move(r));
        });
    }

    // The client's state, not the object, which may move during the run.
    std::shared_ptr<client_base::impl> c_;
    load_options opts_;
    handler_type handler_;
    asio::steady_timer arrival_timer_;
    // 200 us: a quarter of the 1 ms lag budget, and 4 tasks a wake at 20,000/s.
    static constexpr std::chrono::microseconds arrival_tick{200};
    bool timer_armed_ = false;
    clock::time_point armed_for_{};
    std::uint64_t timer_generation_ = 0;
    asio::steady_timer sample_timer_;
    detail::arrival_schedule schedule_;
    std::optional<detail::generated_text> words_;
    std::uint64_t pipeline_key_;
    poll_policy policy_;
    std::unique_ptr<poll_scheduler> scheduler_;
    detail::clock_offset offset_;
    load_report report_;

    clock::time_point t0_, measured_start_, next_intended_;
    clock::time_point intended_end_, last_measured_start_, last_measured_end_, cancelled_at_;
    std::uint64_t admitted_measured_ = 0;
    std::uint64_t poll_429s_seen_ = 0;
    std::size_t next_input_index_ = 0;
    std::size_t in_flight_ = 0;
    std::deque<clock::time_point> backlog_; // open loop: due, waiting for a slot
    std::size_t calls_under_way_ = 0;
    std::deque<std::uint64_t> waiting_calls_; // due, waiting for a call slot
    task_table records_;
    bool arrivals_over_ = false;
    bool cancelled_ = false;
    bool abandoning_ = false;
    bool done_ = false;
    unsigned cancels_ = 0;
};

} // namespace

void load_generator::launch(load_options opts,
                            asio::any_completion_handler<void(error_code, load_report)> h) {
    auto run = std::make_shared<load_run>(client_, std::move(opts), std::move(h));
    // Started from the executor, so no handler runs inside async_run itself.
    asio::post(client_->ex, [run] { run->start(); });
}

load_generator::load_generator(client_base& c) : client_(oneai::detail::client_access::state(c)) {}

} // namespace oneai::load
