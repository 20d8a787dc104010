#pragma once
// What crosses from a basic_client's inline initiation into the compiled
// library: one of the operations' parameters, and the caller's handler erased
// to the matching completion signature. One non-template entry point takes
// both, so every executor and every token share the same compiled path.

#include <oneai/error.hpp>
#include <oneai/operation_params.hpp>

#include <boost/asio/any_completion_handler.hpp>

#include <variant>

namespace oneai::detail {

/// A caller's handler for an operation completing with `T`, type-erased.
template <typename T>
using operation_handler = boost::asio::any_completion_handler<void(error_code, T)>;

/// Any operation's parameters.
using any_operation_params =
    std::variant<submit_params, status_params, wait_params, run_params, run_sync_params>;

/// Any operation's handler; its alternative matches the parameters' value_type.
using any_operation_handler = std::variant<operation_handler<task>, operation_handler<task_status>,
                                           operation_handler<result>>;

} // namespace oneai::detail
