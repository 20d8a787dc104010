#pragma once
/// @file
/// Convenience header: the whole public interface of the oneai client (the
/// batch engine, the poll scheduler and the load generator have their own).

/// @mainpage oneai-cpp API reference
///
/// An asynchronous C++20 client for One AI's Pipeline API (submit, then poll),
/// on Boost.Asio, with an emulator of the API. This reference is made from the
/// public headers; the guides are in the repository's docs/ folder, starting
/// with docs/getting-started.md.
///
/// Where to start:
/// - oneai::client runs pipelines (oneai::pipeline) on inputs (oneai::input),
///   configured by oneai::options, and completes with an oneai::result or an
///   oneai::error_code plus oneai::diagnostics.
/// - oneai::with_deadline and oneai::with_diagnostics adapt completion tokens.
/// - oneai::batch_engine runs large batches with a journal and resumes them;
///   oneai::poll_scheduler polls many tasks cheaply.
/// - oneai::emulator::embedded_server gives a test a server in one line.
/// - oneai::load::load_generator measures a service under load.
///
/// Headers: `<oneai.hpp>` includes the client's, `<oneai/emulator.hpp>` the
/// emulator's; the others one type each, named after it.

/// @namespace oneai
/// The client of One AI's Pipeline API: oneai::client and its options,
/// pipelines, inputs, results, errors and diagnostics, the token adapters, the
/// batch engine and the poll scheduler.
#include <oneai/backoff.hpp>
#include <oneai/client.hpp>
#include <oneai/client_base.hpp>
#include <oneai/client_counters.hpp>
#include <oneai/diagnostics.hpp>
#include <oneai/error.hpp>
#include <oneai/error_with_diagnostics.hpp>
#include <oneai/input.hpp>
#include <oneai/label.hpp>
#include <oneai/observer.hpp>
#include <oneai/operation_params.hpp>
#include <oneai/options.hpp>
#include <oneai/pipeline.hpp>
#include <oneai/poll_policy.hpp>
#include <oneai/result.hpp>
#include <oneai/retry_budget.hpp>
#include <oneai/retry_policy.hpp>
#include <oneai/step_output.hpp>
#include <oneai/task.hpp>
#include <oneai/task_status.hpp>
#include <oneai/tls_options.hpp>
#include <oneai/with_deadline.hpp>
#include <oneai/with_diagnostics.hpp>
