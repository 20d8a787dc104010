#pragma once
// Where an operation writes its diagnostics: the caller's object, or none.
// Passed as the first initiation argument so that token adapters can see it.

#include <oneai/diagnostics.hpp>

namespace oneai::detail {

struct diagnostics_slot {
    diagnostics* target = nullptr;
};

} // namespace oneai::detail
