#pragma once
// An exclusive, non-blocking lock on an open file, held for the life of the
// open file description (flock(2)): a second process is refused at once, and
// a lock left by a process killed with SIGKILL is released by the kernel.

#include <stdexcept>
#include <string>

namespace oneai::common {

/// Thrown when another process holds the lock. `holder` is its PID, or 0 when
/// /proc/locks does not say.
class file_locked : public std::runtime_error {
  public:
    file_locked(const std::string& what, long holder) : std::runtime_error(what), holder_(holder) {}
    long holder() const noexcept { return holder_; }

  private:
    long holder_;
};

/// Locks `fd` (open on `path`, named `what` in messages: "journal", "output").
/// Throws file_locked, or std::runtime_error when the lock cannot be taken.
void lock_exclusively(int fd, const std::string& path, const std::string& what);

} // namespace oneai::common
