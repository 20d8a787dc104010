#pragma once
// What each client operation is asked to do, as a value: the arguments of
// async_submit, async_status, async_wait, async_run and async_run_sync. Every
// operation of basic_client packs its arguments into one of these and starts
// it through the same launch path; `value_type` is what the operation
// completes with (`void(error_code, value_type)`). One family of types, kept
// in one header.

#include <oneai/input.hpp>
#include <oneai/pipeline.hpp>
#include <oneai/poll_policy.hpp>
#include <oneai/result.hpp>
#include <oneai/task.hpp>
#include <oneai/task_status.hpp>

#include <optional>

namespace oneai {

/// The arguments of basic_client::async_submit: POST /async (or /async/file
/// for a file input); completes with the task.
struct submit_params {
    /// What the operation completes with.
    using value_type = task;
    /// The steps to run.
    pipeline p;
    /// What they run on.
    input in;
};

/// The arguments of basic_client::async_status: one GET /async/tasks/{id};
/// completes with the task's status.
struct status_params {
    /// What the operation completes with.
    using value_type = task_status;
    /// The task asked about.
    task t;
};

/// The arguments of basic_client::async_wait: polls a task until it is
/// COMPLETED (the result) or FAILED (errc::task_failed).
struct wait_params {
    /// What the operation completes with.
    using value_type = result;
    /// The task waited for.
    task t;
    /// How to poll; unset: the client's options::polling.
    std::optional<poll_policy> policy;
};

/// The arguments of basic_client::async_run: submit, then wait with the
/// client's poll policy; completes with the result.
struct run_params {
    /// What the operation completes with.
    using value_type = result;
    /// The steps to run.
    pipeline p;
    /// What they run on.
    input in;
};

/// The arguments of basic_client::async_run_sync: POST /pipeline (or /file),
/// the result in the answer.
struct run_sync_params {
    /// What the operation completes with.
    using value_type = result;
    /// The steps to run.
    pipeline p;
    /// What they run on.
    input in;
};

} // namespace oneai
