#pragma once
// How a batch runs.

#include <oneai/pipeline.hpp>
#include <oneai/poll_policy.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace oneai {

struct batch_options {
    oneai::pipeline pipeline{};
    /// Most tasks in flight (submitted, not finished); the adaptive limit starts here
    /// and backs off on 429.
    std::size_t concurrency = 64;
    /// Requests (submits and polls) per second, 0 = unlimited.
    double rate = 0;
    /// Status requests at once.
    std::size_t max_concurrent_polls = 64;
    poll_policy polling{};
    /// Emit outcomes in input order (still running out of order), holding at
    /// most `reorder_window` finished outcomes back.
    bool ordered = false;
    std::size_t reorder_window = 10000;
    /// Append-only journal of intents, task ids and finished items ("" = none).
    std::string journal_path{};
    /// Resubmit items whose earlier submit may or may not have reached the service.
    bool resubmit_unknown = false;
    /// Stop submitting at the first failed item.
    bool fail_fast = false;
    /// Total number of items, when known, for the ETA.
    std::optional<std::uint64_t> expected_total{};
};

} // namespace oneai
