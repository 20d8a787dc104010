#pragma once
// How a batch ended: the final counts, and why it ended early when it did.

#include <oneai/batch_progress.hpp>

#include <string>

namespace oneai {

struct batch_summary {
    batch_progress progress{};
    /// Empty when every item has its outcome; otherwise what stopped the batch.
    std::string message{};
};

} // namespace oneai
