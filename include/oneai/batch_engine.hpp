#pragma once

#include <oneai/batch_item.hpp>
#include <oneai/batch_options.hpp>
#include <oneai/batch_outcome.hpp>
#include <oneai/batch_progress.hpp>
#include <oneai/batch_summary.hpp>
#include <oneai/client.hpp>
#include <oneai/config.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>

#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <type_traits>
#include <unordered_set>

namespace oneai {

/// Runs a batch: pulls items from a source, submits them within the adaptive
/// in-flight limit and the rate limit, polls them through a poll_scheduler,
/// and hands each outcome to a sink, in completion order or input order.
///
///     oneai::batch_engine engine(c, opts, oneai::source_from_range(texts), sink);
///     auto [ec, summary] = co_await engine.async_run(asio::as_tuple(asio::use_awaitable));
///
/// A 429 means "later": a refused submit waits (Retry-After, the adaptive limit)
/// and goes again for as long as the batch runs. Only COMPLETED, FAILED and
/// INVALID outcomes are final; an item that ends in an error or with an unknown
/// submit is journaled as retryable, for a resume.
///
/// With a journal, a batch killed at any moment can be resumed: finished items
/// are skipped, submitted ones are waited on by task id (never resubmitted),
/// items that ended in an error are tried again, and items whose submit was cut
/// short are reported as unknown (or resubmitted with `resubmit_unknown`). The
/// sink is called before the item is marked finished in the journal, so an
/// outcome the sink wrote is never lost (a crash between the two delivers it
/// again; pass the indexes the caller already has as `already_finished`).
///
/// Cancellation of async_run(): partial (or total) drains, stopping submits and
/// letting the tasks in flight finish; terminal stops now, leaving the tasks in
/// flight valid in the journal. Destroying the engine, destroying the client or
/// calling client::shutdown() ends the batch; after that the source and the
/// sink are never called again.
///
/// Thread safety: use from the client's executor only, `c.get_executor()`,
/// which for a thread_safe client is its strand (start it there with
/// `asio::dispatch` or `co_spawn`). Its own state is not synchronised: it lives
/// in that strand beside the client's, and its calls into the client then
/// enter the strand without a hop. Not copyable; the client must outlive it.
class ONEAI_API batch_engine {
  public:
    /// A synchronous pull: the next item, or nullopt at the end.
    using source = std::function<std::optional<batch_item>()>;
    /// An asynchronous pull: completes with the next item, or nullopt at the end.
    using async_source =
        std::function<void(boost::asio::any_completion_handler<void(std::optional<batch_item>)>)>;
    /// Takes each outcome. An exception from it stops the batch now
    /// (errc::output_failed), and that outcome stays unfinished in the journal.
    using sink = std::function<void(batch_outcome&&)>;

    /// A batch over client `c` (held by reference) pulling from a synchronous
    /// source. `already_finished`: indexes whose outcome the caller already has
    /// (for example read back from the output file); they are skipped. Opens
    /// and locks the journal when `opts.journal_path` is set. Throws
    /// std::runtime_error when the journal cannot be used: it cannot be read or
    /// written, another process holds it, or it records another pipeline or
    /// service.
    batch_engine(client_base& c, batch_options opts, source from, sink to,
                 std::unordered_set<std::uint64_t> already_finished = {});
    /// The same, pulling from an asynchronous source (see source_from_channel).
    batch_engine(client_base& c, batch_options opts, async_source from, sink to,
                 std::unordered_set<std::uint64_t> already_finished = {});
    /// Ends a running batch: its async_run() completes with operation_aborted,
    /// and the source and the sink are never called again.
    ~batch_engine();
    batch_engine(const batch_engine&) = delete;            ///< Not copyable.
    batch_engine& operator=(const batch_engine&) = delete; ///< Not copyable.

    /// Runs the batch once. Completes with `void(error_code, batch_summary)`:
    /// success when every item has an outcome; operation_aborted when stopped
    /// or cancelled; client_shutdown; output_failed when the sink threw;
    /// invalid_argument when an input differs from what the journal recorded.
    template <typename Token>
    auto async_run(Token&& token) {
        return boost::asio::async_initiate<Token, void(error_code, batch_summary)>(
            [this](auto handler) { launch(run_handler(std::move(handler))); }, token);
    }

    /// drain = true: stop submitting, let the tasks in flight finish.
    /// drain = false: stop now; tasks in flight stay valid on the server and
    /// in the journal, for a resume. (Cancelling async_run does the same.)
    void stop(bool drain);

    /// A snapshot of the counts so far (safe to call while it runs, from the
    /// client's executor).
    batch_progress progress() const;

    /// Adds indexes whose outcome the caller already has (before async_run).
    void skip(const std::unordered_set<std::uint64_t>& already_finished);

    /// An index the journal records as finished that is not in `have` (the
    /// outcomes the caller holds): the output was deleted or cut. nullopt
    /// when every finished item is there.
    std::optional<std::uint64_t>
    finished_but_missing(const std::unordered_set<std::uint64_t>& have) const;

    /// True when the journal recorded a different fingerprint for `index`: the
    /// input changed since the run the journal belongs to. Lets a caller check
    /// a whole input before it starts; the run checks every item it takes.
    bool recorded_differently(std::uint64_t index, std::uint64_t fingerprint) const;

  private:
    using run_handler = boost::asio::any_completion_handler<void(error_code, batch_summary)>;
    void launch(run_handler handler);

    struct ONEAI_LOCAL impl;
    std::shared_ptr<impl> impl_;
};

/// A source over a range of inputs (or of batch_items, taken as they are):
/// items are indexed from 0 in the range's order. The range must outlive the batch.
template <typename Range>
batch_engine::source source_from_range(Range& range) {
    return [it = std::begin(range), end = std::end(range),
            index = std::uint64_t{0}]() mutable -> std::optional<batch_item> {
        if (it == end)
            return std::nullopt;
        batch_item item;
        if constexpr (std::is_convertible_v<decltype(*it), const batch_item&>)
            item = *it;
        else
            item.input = *it;
        item.index = index++;
        ++it;
        return item;
    };
}

} // namespace oneai
