#pragma once
// A handle to a submitted task: just its id, so it can be stored, sent
// elsewhere or persisted, and waited on later (even by another process).

#include <oneai/config.hpp>
#include <string>
#include <utility>

namespace oneai {

class ONEAI_API task {
  public:
    task() = default;
    explicit task(std::string id) : id_(std::move(id)) {}
    const std::string& id() const noexcept { return id_; }
    bool empty() const noexcept { return id_.empty(); }
    friend bool operator==(const task&, const task&) = default;

  private:
    std::string id_;
};

} // namespace oneai
