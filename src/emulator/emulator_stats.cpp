#include "emulator_stats.hpp"

namespace oneai::emulator::detail {

boost::json::object emulator_stats::to_json(std::size_t queued, std::size_t running,
                                            std::size_t stored) const {
    namespace json = boost::json;
    json::object by_status;
    for (const auto& [status, count] : responses_by_status)
        by_status[std::to_string(status)] = count;
    const std::uint64_t finished = completed + failed;
    return {
        {"http_requests", http_requests},
        {"responses_by_status", std::move(by_status)},
        {"submits", submits},
        {"sync_runs", sync_runs},
        {"duplicate_submits", duplicate_submits},
        {"polls", polls},
        {"rejected_concurrency_limit", rejected_concurrency},
        {"rejected_store_full", rejected_store_full},
        {"rejected_connections", rejected_connections},
        {"accept_failures", accept_failures},
        {"idle_closes", idle_closes},
        {"tasks",
         {{"queued", queued},
          {"running", running},
          {"completed", completed},
          {"failed", failed},
          {"expired", expired},
          {"stored", stored}}},
        {"polls_per_finished_task",
         finished ? static_cast<double>(polls_of_finished_tasks) / static_cast<double>(finished)
                  : 0.0},
        {"detection_delay_ms",
         {{"count", detection_delay.count()},
          {"mean", detection_delay.mean() / 1000.0},
          {"p50", static_cast<double>(detection_delay.percentile(0.50)) / 1000.0},
          {"p99", static_cast<double>(detection_delay.percentile(0.99)) / 1000.0}}},
        {"faults",
         {{"http_500", injected_500},
          {"http_503", injected_503},
          {"resets", injected_resets},
          {"slow", injected_slow},
          {"storm_429", injected_storm_429},
          {"http_429", injected_429},
          {"scheduled", injected_scheduled},
          {"task_failures", injected_task_failures}}},
    };
}

} // namespace oneai::emulator::detail
