#pragma once
// The exception thrown for throwing completion tokens (see with_diagnostics):
// the error code and the diagnostics together.

#include <oneai/config.hpp>
#include <oneai/diagnostics.hpp>
#include <oneai/error.hpp>

#include <boost/system/system_error.hpp>

namespace oneai {

class ONEAI_API error_with_diagnostics : public boost::system::system_error {
  public:
    error_with_diagnostics(error_code ec, diagnostics diag)
        : boost::system::system_error(ec, diag.to_string()), diag_(std::move(diag)) {}
    const diagnostics& get_diagnostics() const noexcept { return diag_; }

  private:
    diagnostics diag_;
};

} // namespace oneai
