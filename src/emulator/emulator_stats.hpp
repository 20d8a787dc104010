#pragma once
// Counters served at GET /emulator/stats: what tests and benchmarks read to
// check a client's behaviour (how often it polls, how fast it notices a
// finished task, whether it resubmitted anything).

#include "common/histogram.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>

namespace oneai::emulator::detail {

struct emulator_stats {
    std::uint64_t http_requests = 0;
    std::map<unsigned, std::uint64_t> responses_by_status;

    std::uint64_t submits = 0;           // accepted async submits
    std::uint64_t sync_runs = 0;         // accepted sync runs
    std::uint64_t duplicate_submits = 0; // submits whose input and pipeline a stored task has
    std::uint64_t polls = 0;             // GETs of a known task
    std::uint64_t rejected_concurrency = 0;
    std::uint64_t rejected_store_full = 0;  // submits refused at max_stored_tasks
    std::uint64_t rejected_connections = 0; // closed at once, max_connections being open
    std::uint64_t accept_failures = 0;      // accept() errors (out of descriptors, ...)
    std::uint64_t idle_closes = 0;          // kept-alive connections closed for idling

    std::uint64_t completed = 0;
    std::uint64_t failed = 0;
    std::uint64_t expired = 0;
    std::uint64_t polls_of_finished_tasks = 0; // all polls of tasks that have finished
    common::histogram detection_delay;         // finish -> first poll that saw it

    std::uint64_t injected_500 = 0;
    std::uint64_t injected_503 = 0;
    std::uint64_t injected_resets = 0;
    std::uint64_t injected_slow = 0;
    std::uint64_t injected_storm_429 = 0;
    std::uint64_t injected_429 = 0;       // by a scheduled fault
    std::uint64_t injected_scheduled = 0; // scheduled faults of every kind (also counted by kind)
    std::uint64_t injected_task_failures = 0;

    boost::json::object to_json(std::size_t queued, std::size_t running, std::size_t stored) const;
};

} // namespace oneai::emulator::detail
