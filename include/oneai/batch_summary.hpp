#pragma once

#include <oneai/batch_progress.hpp>

#include <string>

namespace oneai {

/// How a batch ended (batch_engine::async_run()'s value): the final counts,
/// and why it ended early when it did.
struct batch_summary {
    /// The counts when the run ended.
    batch_progress progress{};
    /// Empty when every item has its outcome; otherwise what stopped the batch.
    std::string message{};
};

} // namespace oneai
