#pragma once
// The library's own components (the batch engine, the poll scheduler) reach
// the client's state through this, to learn when the client is shut down or
// destroyed, and start operations the public API does not offer.

#include "client_impl.hpp"
#include "core/response_codec.hpp"

namespace oneai::detail {

struct client_access {
    static const std::shared_ptr<client::impl>& state(const client& c) noexcept { return c.impl_; }

    /// client::async_status with a choice of how much of a result is decoded.
    static void launch_status(client& c, task t, diagnostics* diag, result_decoding how,
                              client::handler<task_status> h);
};

} // namespace oneai::detail
