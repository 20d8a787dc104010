#pragma once
// What adaptive polling keys its service-time model by: a task's pipeline and
// input size. Made by the library (the batch engine, client::async_run).

#include <cstdint>

namespace oneai::detail {

struct task_shape {
    std::uint64_t pipeline = 0; // a fingerprint; 0: unknown (a wait on a bare task id)
    std::uint32_t size = 0;     // words of text, or bytes of a file; 0 unknown
};

} // namespace oneai::detail
