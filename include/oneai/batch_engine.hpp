#pragma once
// Runs a batch: pulls items from a source, submits them within the adaptive
// in-flight limit and the rate limit, polls them through a poll_scheduler,
// and hands each outcome to a sink, in completion order or input order.
//
// With a journal, a batch killed at any moment can be resumed: finished items
// are skipped, submitted ones are waited on by task id (never resubmitted),
// and items whose submit was cut short are reported as unknown (or
// resubmitted with batch_options::resubmit_unknown).
//
// Use from the client's executor only. The sink is called before the item is
// marked finished in the journal, so an outcome the sink wrote is never lost
// (it may be delivered twice after a crash between the two; the
// `already_finished` set of the next run removes those).

#include <oneai/batch_item.hpp>
#include <oneai/batch_options.hpp>
#include <oneai/batch_outcome.hpp>
#include <oneai/batch_progress.hpp>
#include <oneai/client.hpp>

#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <type_traits>
#include <unordered_set>

namespace oneai {

class batch_engine {
  public:
    using source = std::function<std::optional<batch_item>()>;
    using sink = std::function<void(batch_outcome&&)>;

    /// `already_finished`: indexes whose outcome the caller already has (for
    /// example read back from the output file); they are skipped. Throws
    /// std::runtime_error when the journal cannot be read or written.
    batch_engine(client& c, batch_options opts, source from, sink to,
                 std::unordered_set<std::uint64_t> already_finished = {});
    ~batch_engine();
    batch_engine(const batch_engine&) = delete;
    batch_engine& operator=(const batch_engine&) = delete;

    /// Starts; `on_finished` runs when every item has an outcome or the batch was stopped.
    void start(std::function<void()> on_finished);
    /// drain = true: stop submitting, let the tasks in flight finish.
    /// drain = false: stop now; tasks in flight stay valid on the server and
    /// in the journal, for a resume.
    void stop(bool drain);

    batch_progress progress() const;

  private:
    struct impl;
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
