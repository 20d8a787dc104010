#pragma once
// The library's own components (the batch engine) reach the client's state
// through this, to learn when the client is shut down or destroyed.

#include "client_impl.hpp"

namespace oneai::detail {

struct client_access {
    static const std::shared_ptr<client::impl>& state(const client& c) noexcept { return c.impl_; }
};

} // namespace oneai::detail
