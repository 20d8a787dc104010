#pragma once

#include <oneai/config.hpp>
#include <string>
#include <utility>

namespace oneai {

/// A handle to a submitted task: just its id, so it can be stored, sent
/// elsewhere or persisted, and waited on later (even by another process, until
/// the service forgets the task).
class ONEAI_API task {
  public:
    /// No task: empty() is true.
    task() = default;
    /// The task with the service's id `id` (a UUID); not checked here.
    explicit task(std::string id) : id_(std::move(id)) {}
    /// The service's task id.
    const std::string& id() const noexcept { return id_; }
    /// True for a default-constructed task.
    bool empty() const noexcept { return id_.empty(); }
    /// The same id.
    friend bool operator==(const task&, const task&) = default;

  private:
    std::string id_;
};

} // namespace oneai
