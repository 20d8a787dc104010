#pragma once
// The client's counters as it keeps them: written by its operations (on its
// executor, or its strand when thread_safe) and read by client::counters()
// from any thread. Atomics rather than a trip into the strand: reading them
// needs no running io_context, and each field is exact; a snapshot taken
// while operations run may mix fields a moment apart.

#include <oneai/client_counters.hpp>

#include <atomic>
#include <cstdint>

namespace oneai::detail {

struct live_counters {
    using counter = std::atomic<std::uint64_t>;
    counter requests{0};
    counter responses{0};
    counter transport_errors{0};
    counter retries{0};
    counter submits{0};
    counter polls{0};
    counter completed{0};
    counter failed{0};
    counter rate_limited{0};
    counter connections_opened{0};
    counter connections_reused{0};
    counter in_flight{0};

    client_counters snapshot() const noexcept {
        constexpr auto relaxed = std::memory_order_relaxed;
        client_counters c;
        c.requests = requests.load(relaxed);
        c.responses = responses.load(relaxed);
        c.transport_errors = transport_errors.load(relaxed);
        c.retries = retries.load(relaxed);
        c.submits = submits.load(relaxed);
        c.polls = polls.load(relaxed);
        c.completed = completed.load(relaxed);
        c.failed = failed.load(relaxed);
        c.rate_limited = rate_limited.load(relaxed);
        c.connections_opened = connections_opened.load(relaxed);
        c.connections_reused = connections_reused.load(relaxed);
        c.in_flight = in_flight.load(relaxed);
        return c;
    }
};

} // namespace oneai::detail
