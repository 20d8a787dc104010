#include <oneai/poll_scheduler.hpp>

#include "client/client_access.hpp"
#include "client/client_impl.hpp"
#include "client/polling/poll_rules.hpp"
#include "common/histogram.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <array>
#include <list>
#include <random>
#include <unordered_map>
#include <utility>

namespace oneai {
namespace asio = boost::asio;
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Task ids are UUIDs: 16 bytes instead of a 36-character string, plus one bit
// per hex digit for its case, since ids are opaque and must be sent back as given.
bool parse_uuid(const std::string& text, std::array<std::uint8_t, 16>& out, std::uint32_t& upper) {
    auto hex = [](char c) {
        return c >= '0' && c <= '9'   ? c - '0'
               : c >= 'a' && c <= 'f' ? c - 'a' + 10
               : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                      : -1;
    };
    if (text.size() != 36)
        return false;
    std::size_t b = 0;
    upper = 0;
    for (std::size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i++] != '-')
                return false;
            continue;
        }
        int hi = hex(text[i]), lo = hex(text[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        if (text[i] >= 'A' && text[i] <= 'F')
            upper |= 1u << (2 * b);
        if (text[i + 1] >= 'A' && text[i + 1] <= 'F')
            upper |= 1u << (2 * b + 1);
        out[b++] = static_cast<std::uint8_t>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

std::string format_uuid(const std::array<std::uint8_t, 16>& id, std::uint32_t upper) {
    static constexpr char lower_digits[] = "0123456789abcdef";
    static constexpr char upper_digits[] = "0123456789ABCDEF";
    auto digit = [&](unsigned value, unsigned position) {
        return (upper >> position) & 1u ? upper_digits[value] : lower_digits[value];
    };
    std::string s;
    s.reserve(36);
    for (unsigned i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s += '-';
        s += digit(id[i] >> 4, 2 * i);
        s += digit(id[i] & 15, 2 * i + 1);
    }
    return s;
}

// One task in flight. Kept small on purpose: a million of these is the target.
struct record {
    std::array<std::uint8_t, 16> id{};
    std::uint32_t upper = 0; // which hex digits of the id are upper-case
    std::uint32_t size = 0;  // the task's shape, for adaptive polling
    std::uint64_t pipeline = 0;
    std::uint64_t tag = 0;
    std::int64_t started_ms = 0;   // -1: a free slot
    std::int64_t deadline_ms = -1; // -1: none
    std::uint32_t previous_delay_ms = 0;
    std::uint32_t running_at_ms = 0; // after started_ms, the last answer that said running
    std::uint32_t start = 0;         // the planner's start number, its low bits (see full_start)
    std::uint16_t polls = 0;
    std::uint16_t policy = 0;
};

static_assert(sizeof(record) <= 72, "a record per task in flight: keep it small");

// A status request under way: what stop() cancels, and its diagnostics.
struct poll_under_way {
    asio::cancellation_signal signal;
    diagnostics diag;
};

// One status request of the scheduler, on the client's executor. What the
// client's async_status does, without what a public operation needs and a
// poll does not: a type-erased handler, a shared operation state, a second
// hop to deliver the answer. A poll is one of the client's operations all the
// same: counted in flight, and stopped by its shutdown().
asio::awaitable<outcome<task_status>> poll_once(std::shared_ptr<client_base::impl> c,
                                                std::shared_ptr<poll_under_way> poll, task t,
                                                detail::result_decoding how) {
    // Cancellation is reported as an error code, never thrown out of an await.
    co_await asio::this_coro::throw_if_cancelled(false);
    struct registration {
        client_base::impl& c;
        std::list<std::shared_ptr<asio::cancellation_signal>>::iterator at;
        ~registration() {
            c.running.erase(at);
            --c.counters.in_flight;
        }
    } listed{*c, c->running.insert(c->running.end(), std::shared_ptr<asio::cancellation_signal>(
                                                         poll, &poll->signal))};
    ++c->counters.in_flight;
    co_return co_await c->status(std::move(t), c->task_deadline(), poll->diag, how);
}

struct heap_entry {
    std::int64_t due_ms;
    std::uint32_t slot;
    bool operator>(const heap_entry& o) const noexcept { return due_ms > o.due_ms; }
};

} // namespace

struct poll_scheduler::impl : std::enable_shared_from_this<impl> {
    impl(std::shared_ptr<client_base::impl> state, scheduler_options o, completion_handler done)
        : client_state(std::move(state)), opts(std::move(o)), on_done(std::move(done)),
          timer(client_state->ex), epoch(clock::now()), rng(std::random_device{}()) {
        client_state->planner.census_source(+1);
    }
    ~impl() {
        stop_census();
        stop_listening();
    }
    void stop_census() {
        if (std::exchange(counted, false))
            client_state->planner.census_source(-1);
    }

    // Polls under way end by themselves when the client shuts down (they are
    // among its operations); the tasks waiting for their next poll are ended
    // here, at once, rather than when their poll falls due.
    void listen_for_shutdown() {
        client_state->shutdown_listeners.push_back([weak = weak_from_this()] {
            if (auto self = weak.lock())
                self->on_client_shutdown();
        });
        shutdown_listener = std::prev(client_state->shutdown_listeners.end());
        listening = true;
    }
    void stop_listening() {
        if (std::exchange(listening, false))
            client_state->shutdown_listeners.erase(shutdown_listener);
    }
    void on_client_shutdown() {
        listening = false; // the client emptied its list
        timer.cancel();
        const auto waiting = std::exchange(heap, {});
        for (const heap_entry& e : waiting) {
            if (stopped) // a completion handler stopped the scheduler
                return;
            complete(e.slot, errc::client_shutdown, task_status{});
        }
    }

    // Held, not reached through the client object: that may move, or be gone
    // by the stop.
    std::shared_ptr<client_base::impl> client_state;
    std::list<std::function<void()>>::iterator shutdown_listener;
    bool listening = false;
    bool counted = true; // among the model's census sources
    scheduler_options opts;
    completion_handler on_done;
    asio::steady_timer timer;
    std::optional<clock::time_point> armed;
    clock::time_point epoch;
    std::vector<record> records;
    std::vector<std::uint32_t> free_slots;
    std::vector<heap_entry> heap;
    std::vector<poll_policy> policies;
    std::unordered_map<std::uint32_t, std::string> other_ids; // ids that are not UUIDs
    std::list<std::shared_ptr<poll_under_way>> polls_under_way;
    std::uint64_t rate_limited = 0;
    std::uint64_t retries = 0;
    std::size_t active = 0;
    std::size_t live = 0;
    std::uint64_t polls = 0;
    std::uint64_t finished = 0;
    common::histogram lag;
    std::uint64_t lag_max = 0;
    std::mt19937_64 rng;
    bool adaptive_in_use = false;    // some task polls adaptively
    std::int64_t next_census_ms = 0; // when one is due
    std::int64_t census_gap_ms = 0;  // the least time between two (2% of the thread)
    std::int64_t last_census_ms = -1;
    bool stopped = false;

    // The tasks still running are counted into the service-time model (see
    // service_time_model) every quarter second, and soon after a size gets
    // its first finished task, but never so often that it takes more than 2%
    // of the thread. "Soon": once the answers that came with it are in, as
    // tasks polled together are answered together.
    static constexpr std::int64_t census_every_ms = 250;
    static constexpr std::int64_t census_settle_ms = 50;

    void take_census(std::int64_t now) {
        const auto began = clock::now();
        auto& planner = state().planner;
        planner.census_begin();
        // A task is known to run longer than its age when last seen running,
        // not its age now: it may have finished since, unseen.
        for (const record& r : records)
            if (r.started_ms >= 0 && r.running_at_ms > 0)
                planner.census({r.pipeline, r.size}, full_start(r.start),
                               milliseconds(r.running_at_ms));
        planner.census_end();
        const auto took = std::chrono::duration_cast<milliseconds>(clock::now() - began);
        census_gap_ms = 50 * took.count();
        last_census_ms = now;
        next_census_ms = now + std::max<std::int64_t>(census_every_ms, census_gap_ms);
    }

    std::int64_t now_ms() const {
        return std::chrono::duration_cast<milliseconds>(clock::now() - epoch).count();
    }
    clock::time_point at(std::int64_t ms) const { return epoch + milliseconds(ms); }

    // What the text forms compare (to_string writes the shape and both
    // bounds), without building two strings for every task added.
    static bool same_delays(const backoff& a, const backoff& b) {
        return a.shape() == b.shape() && a.base() == b.base() && a.cap() == b.cap();
    }

    std::uint16_t policy_index(const poll_policy& p) {
        for (std::size_t i = 0; i < policies.size(); ++i) {
            const auto& q = policies[i];
            if (q.mode == p.mode && q.initial_delay == p.initial_delay &&
                q.max_polls == p.max_polls && q.max_duration == p.max_duration &&
                q.honour_retry_after == p.honour_retry_after && q.target_delay == p.target_delay &&
                q.floor == p.floor && q.ceiling == p.ceiling && same_delays(q.delays, p.delays))
                return static_cast<std::uint16_t>(i);
        }
        policies.push_back(p);
        adaptive_in_use = adaptive_in_use || p.mode == poll_mode::adaptive;
        return static_cast<std::uint16_t>(policies.size() - 1);
    }

    void push(std::uint32_t slot, std::int64_t due) {
        heap.push_back({due, slot});
        std::push_heap(heap.begin(), heap.end(), std::greater<>{});
    }

    void arm(clock::time_point when) {
        if (stopped || (armed && *armed <= when))
            return;
        armed = when;
        timer.expires_at(when);
        timer.async_wait([weak = weak_from_this()](error_code ec) {
            auto self = weak.lock();
            if (!self || ec)
                return; // re-armed earlier, or stopped
            self->armed.reset();
            self->pump();
        });
    }

    // Sends the status requests that are due, within the concurrency and rate limits.
    void pump() {
        if (!stopped && live > 0 && adaptive_in_use) { // only adaptive polling reads the model
            const auto now = now_ms();
            if (state().planner.census_wanted())
                next_census_ms = std::min(next_census_ms, std::max(now + census_settle_ms,
                                                                   last_census_ms + census_gap_ms));
            if (now >= next_census_ms)
                take_census(now);
            else
                arm(at(next_census_ms));
        }
        while (!stopped && !heap.empty() && active < opts.max_concurrent_polls) {
            const std::int64_t now = now_ms();
            if (heap.front().due_ms > now) {
                arm(at(heap.front().due_ms));
                return;
            }
            if (opts.rate) {
                auto wait = opts.rate->take(clock::now());
                if (wait > clock::duration::zero()) {
                    arm(clock::now() + wait);
                    return;
                }
            }
            std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
            heap_entry e = heap.back();
            heap.pop_back();
            const auto late =
                static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - e.due_ms)) * 1000;
            lag.record(late);
            lag_max = std::max(lag_max, late);
            dispatch(e.slot);
        }
    }

    std::string id_of(std::uint32_t slot) const {
        auto it = other_ids.find(slot);
        return it != other_ids.end() ? it->second
                                     : format_uuid(records[slot].id, records[slot].upper);
    }

    void dispatch(std::uint32_t slot) {
        ++active;
        ++polls;
        ++records[slot].polls;
        auto poll = std::make_shared<poll_under_way>();
        auto where = polls_under_way.insert(polls_under_way.end(), poll);
        auto on_answer = [self = shared_from_this(), slot, poll,
                          where](std::exception_ptr ep, outcome<task_status> answer) {
            self->polls_under_way.erase(where);
            --self->active;
            if (ep) { // a bug or an allocation failure: report it, do not lose the task
                try {
                    std::rethrow_exception(ep);
                } catch (const std::exception& e) {
                    poll->diag.message = e.what();
                } catch (...) {
                    poll->diag.message = "unknown exception";
                }
                answer = error_code(errc::internal);
            }
            self->rate_limited += poll->diag.rate_limited;
            self->retries += poll->diag.attempts > 1 ? poll->diag.attempts - 1 : 0;
            if (self->stopped)
                return;
            const error_code ec = answer ? error_code{} : answer.error();
            self->on_status(slot, ec, answer ? std::move(*answer) : task_status{},
                            poll->diag.retry_after);
            self->pump();
        };
        poll->diag.clear();
        asio::co_spawn(client_state->ex,
                       poll_once(client_state, poll, task(id_of(slot)),
                                 opts.typed_results ? detail::result_decoding::typed
                                                    : detail::result_decoding::text_only),
                       asio::bind_cancellation_slot(poll->signal.slot(), std::move(on_answer)));
    }

    void complete(std::uint32_t slot, error_code ec, task_status&& s) {
        if (s.task.empty()) // an error answer carries no id: the caller still needs it
            s.task = task(id_of(slot));
        completion done{records[slot].tag, ec, std::move(s), records[slot].polls};
        other_ids.erase(slot);
        records[slot].started_ms = -1;
        free_slots.push_back(slot);
        --live;
        ++finished;
        on_done(std::move(done));
    }

    detail::poll_context context_for(const record& r) {
        const poll_policy& policy = policies[r.policy];
        std::optional<clock::time_point> deadline;
        if (r.deadline_ms >= 0)
            deadline = at(r.deadline_ms);
        return {policy, deadline, state().planner.plan(policy, {r.pipeline, r.size}),
                client_state->opts.retries.max_retry_after};
    }
    client_base::impl& state() { return *client_state; }
    // A record keeps 32 bits of its start number: tasks in flight started
    // within the last four billion starts, so the rest follows from now.
    std::uint64_t full_start(std::uint32_t low) {
        const std::uint64_t now = state().planner.last_start();
        return now - static_cast<std::uint32_t>(static_cast<std::uint32_t>(now) - low);
    }

    void schedule_first(std::uint32_t slot) {
        record& r = records[slot];
        if (state().shut_down) {
            // Its client is gone: its poll, due now, ends it with client_shutdown
            // (rather than when a first poll far off would fall due).
            push(slot, now_ms());
            return;
        }
        auto context = context_for(r);
        state().planner.choose_scout(context, {r.pipeline, r.size}, clock::now());
        const auto step = detail::first_poll(context, {at(r.started_ms), 0, {}}, clock::now());
        push(slot, std::chrono::duration_cast<milliseconds>(step.at - epoch).count());
    }

    void on_status(std::uint32_t slot, error_code ec, task_status&& s,
                   std::optional<milliseconds> retry_after) {
        record& r = records[slot];
        const detail::poll_history history{at(r.started_ms), r.polls,
                                           milliseconds(r.previous_delay_ms)};
        const auto step = detail::next_poll(context_for(r), history,
                                            {ec, ec ? task_state::unknown : s.state, retry_after},
                                            clock::now(), rng);
        if (step.what == detail::poll_step::action::finish) {
            if (!ec && s.finished())
                state().planner.learn({r.pipeline, r.size}, s, full_start(r.start));
            return complete(slot, step.ec, std::move(s));
        }
        if (!ec)
            r.running_at_ms = static_cast<std::uint32_t>(
                std::clamp<std::int64_t>(now_ms() - r.started_ms, 1, UINT32_MAX));
        r.previous_delay_ms =
            static_cast<std::uint32_t>(std::clamp<long long>(step.delay.count(), 0, UINT32_MAX));
        push(slot, std::chrono::duration_cast<milliseconds>(step.at - epoch).count());
    }
};

poll_scheduler::poll_scheduler(client_base& c, scheduler_options opts, completion_handler on_done)
    : poll_scheduler(detail::client_access::state(c), std::move(opts), std::move(on_done)) {}

poll_scheduler::poll_scheduler(std::shared_ptr<client_base::impl> state, scheduler_options opts,
                               completion_handler on_done)
    : impl_(std::make_shared<impl>(std::move(state), std::move(opts), std::move(on_done))) {
    impl_->listen_for_shutdown();
}

poll_scheduler::~poll_scheduler() {
    stop();
}

void poll_scheduler::add(const task& t, std::uint64_t tag, const poll_policy& policy,
                         std::optional<std::chrono::steady_clock::time_point> deadline) {
    add(t, tag, policy, deadline, {});
}

void poll_scheduler::add(const task& t, std::uint64_t tag, const poll_policy& policy,
                         std::optional<std::chrono::steady_clock::time_point> deadline,
                         detail::task_shape shape) {
    auto& s = *impl_;
    std::uint32_t slot;
    if (!s.free_slots.empty()) {
        slot = s.free_slots.back();
        s.free_slots.pop_back();
        s.records[slot] = record{};
    } else {
        slot = static_cast<std::uint32_t>(s.records.size());
        s.records.emplace_back();
    }
    record& r = s.records[slot];
    if (!parse_uuid(t.id(), r.id, r.upper))
        s.other_ids[slot] = t.id();
    r.tag = tag;
    r.pipeline = shape.pipeline;
    r.size = shape.size;
    r.policy = s.policy_index(policy);
    r.started_ms = s.now_ms();
    r.start = static_cast<std::uint32_t>(s.state().planner.start());
    if (deadline)
        r.deadline_ms = std::chrono::duration_cast<milliseconds>(*deadline - s.epoch).count();
    ++s.live;
    s.schedule_first(slot);
    s.pump();
}

void poll_scheduler::stop() {
    auto& s = *impl_;
    if (s.stopped)
        return;
    s.stopped = true;
    s.stop_census();
    s.stop_listening();
    s.timer.cancel();
    auto under_way = s.polls_under_way;
    for (auto& poll : under_way)
        poll->signal.emit(asio::cancellation_type::terminal);
    s.heap.clear();
    s.live = 0;
}

std::size_t poll_scheduler::in_flight() const noexcept {
    return impl_->live;
}

scheduler_stats poll_scheduler::stats() const {
    const auto& s = *impl_;
    return {s.live,
            s.polls,
            s.finished,
            std::chrono::microseconds(s.lag.percentile(0.5)),
            std::chrono::microseconds(s.lag.percentile(0.99)),
            std::chrono::microseconds(s.lag_max),
            s.rate_limited,
            s.retries};
}

} // namespace oneai
