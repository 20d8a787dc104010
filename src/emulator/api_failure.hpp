#pragma once
// Request validation and task processing report One AI errors by throwing this;
// the router turns it into the error response, the task store into a FAILED task.

#include "api_error.hpp"

#include <stdexcept>

namespace oneai::emulator::detail {

class api_failure : public std::runtime_error {
  public:
    explicit api_failure(api_error e) : std::runtime_error(e.message), error_(std::move(e)) {}
    api_failure(int code, std::string details)
        : api_failure(make_api_error(code, std::move(details))) {}
    const api_error& error() const noexcept { return error_; }

  private:
    api_error error_;
};

} // namespace oneai::emulator::detail
