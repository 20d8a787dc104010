#pragma once
// The library's own components (the batch engine, the poll scheduler, the
// load generator) reach the client's state through this: to learn when the
// client is shut down or destroyed, and to start operations on the state
// itself (so that moving the client object does not disturb them), including
// one the public API does not offer.

#include "client_impl.hpp"
#include "core/response_codec.hpp"

#include <oneai/poll_scheduler.hpp>

namespace oneai::detail {

struct client_access {
    static const std::shared_ptr<client_base::impl>& state(const client_base& c) noexcept {
        return c.impl_;
    }

    /// Starts the operation `params` describes on the client state `self`:
    /// what every basic_client operation ends in.
    static void start(const std::shared_ptr<client_base::impl>& self, any_operation_params params,
                      diagnostics* diag, any_operation_handler handler);

    /// A poll scheduler on the client state `self`, for components that hold
    /// the state rather than the client object.
    static std::unique_ptr<poll_scheduler>
    make_scheduler(std::shared_ptr<client_base::impl> self, scheduler_options opts,
                   poll_scheduler::completion_handler on_done) {
        return std::unique_ptr<poll_scheduler>(
            new poll_scheduler(std::move(self), std::move(opts), std::move(on_done)));
    }

    /// async_status with a choice of how much of a result is decoded.
    static void start_status(const std::shared_ptr<client_base::impl>& self, task t,
                             diagnostics* diag, result_decoding how,
                             operation_handler<task_status> handler);
};

} // namespace oneai::detail
