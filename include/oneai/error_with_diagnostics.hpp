#pragma once

#include <oneai/config.hpp>
#include <oneai/diagnostics.hpp>
#include <oneai/error.hpp>

#include <boost/system/system_error.hpp>

namespace oneai {

/// The exception thrown through throwing completion tokens (see
/// with_diagnostics): the error code and the diagnostics together. `what()`
/// is diagnostics::to_string(); `code()` is the operation's error.
class ONEAI_API error_with_diagnostics : public boost::system::system_error {
  public:
    /// Keeps a copy of `diag`, as it was when the operation failed.
    error_with_diagnostics(error_code ec, diagnostics diag)
        : boost::system::system_error(ec, diag.to_string()), diag_(std::move(diag)) {}
    /// The server's message, request id, task id and the client's account.
    const diagnostics& get_diagnostics() const noexcept { return diag_; }

  private:
    diagnostics diag_;
};

} // namespace oneai
