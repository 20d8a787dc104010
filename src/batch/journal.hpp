#pragma once
// The batch journal: an append-only text file, one event per line, each line
// written with a single write(2) so that a process killed at any moment
// leaves whole lines behind (at most a torn last line, which is ignored):
//   I <index>            a submit is about to be sent (the intent)
//   T <index> <task id>  the service accepted it
//   U <index>            its answer was lost: the outcome is unknown
//   F <index>            the item has its outcome

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace oneai::detail {

struct journal_state {
    std::unordered_set<std::uint64_t> finished;
    std::unordered_map<std::uint64_t, std::string> submitted; // not finished
    std::unordered_set<std::uint64_t> unsure; // intent (or U) without a task id, not finished
};

class journal {
  public:
    /// Reads an existing journal (a missing file is an empty state). Throws
    /// std::runtime_error when it cannot be read.
    static journal_state load(const std::string& path);

    /// Opens for appending (creating it). Throws std::runtime_error.
    explicit journal(const std::string& path);
    ~journal();
    journal(const journal&) = delete;
    journal& operator=(const journal&) = delete;

    void intent(std::uint64_t index);
    void submitted(std::uint64_t index, const std::string& task_id);
    void unknown(std::uint64_t index);
    void finished(std::uint64_t index);

  private:
    void append(const std::string& line);
    int fd_ = -1;
    std::string path_;
};

} // namespace oneai::detail
