#pragma once
// The batch journal: an append-only text file that lets a killed batch be
// resumed without losing or repeating work. It starts with a header that
// fingerprints what decides the results, then one event per line:
//   oneai-journal 2 pipeline=<hash> input=<type> host=<host>
//   I <index> <line hash>  a submit is about to be sent (the intent)
//   T <index> <task id>    the service accepted it
//   U <index>              its answer was lost: the task may or may not exist
//   E <index> <error>      it ended in an error that a resume retries
//   F <index> <line hash>  the item has its final outcome
// The file is locked (flock) while open, so two processes never share it. A
// torn last line (a crash, a full disk) is cut off before anything is appended.
// Records are staged and written together, one write(2) per flush, so a
// process killed at any moment leaves whole records to the kernel. F records
// are staged apart: they are written only once the outcomes they vouch for
// have been written, and dropped when that write failed.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace oneai::detail {

struct journal_header {
    std::string pipeline; // fingerprint of the steps, their parameters and flags
    std::string input;    // the input type the pipeline forces ("auto" when inferred)
    std::string host;     // the service's host
    friend bool operator==(const journal_header&, const journal_header&) = default;
};

/// What an existing journal says, per item index.
struct journal_state {
    bool has_header = false;
    journal_header header;
    std::unordered_set<std::uint64_t> finished;
    std::unordered_map<std::uint64_t, std::string> submitted; // task id known, not finished
    std::unordered_set<std::uint64_t> unsure; // a submit may have been sent, its answer lost
    std::unordered_set<std::uint64_t> retry;  // ended in an error; safe to submit again
    std::unordered_map<std::uint64_t, std::uint64_t> line_hash; // from I and F records
};

class journal {
  public:
    /// Opens (creating) and locks `path`. Throws common::file_locked when
    /// another process holds it, std::runtime_error when it cannot be used.
    explicit journal(const std::string& path);
    ~journal();
    journal(const journal&) = delete;
    journal& operator=(const journal&) = delete;

    /// Reads what is there and cuts a torn last line off the file.
    /// Throws std::runtime_error on a journal of another format.
    journal_state load();
    /// Empties the file (a batch that starts over).
    void truncate();
    bool empty() const;

    void header(const journal_header& h);
    void intent(std::uint64_t index, std::uint64_t line_hash);
    void submitted(std::uint64_t index, const std::string& task_id);
    void unknown(std::uint64_t index);
    void retryable(std::uint64_t index, const std::string& error_name);
    void finished(std::uint64_t index, std::uint64_t line_hash);

    bool has_staged() const noexcept { return !staged_.empty() || !finishes_.empty(); }
    bool has_staged_intents() const noexcept { return staged_intents_; }
    bool has_staged_finishes() const noexcept { return !finishes_.empty(); }
    /// Forgets the staged F records: the outcomes they vouch for never reached
    /// the output (a failed write), so a resume must redo those items.
    void drop_finishes() noexcept;
    /// Writes what is staged with one write(2); `durable`: then fdatasync.
    /// Throws std::runtime_error (a full disk, say).
    void flush(bool durable);

    const std::string& path() const noexcept { return path_; }

  private:
    int fd_ = -1;
    std::string path_;
    std::string described_; // "journal '<path>'", for a failed write's message
    std::string staged_;    // I, T, U and E records
    std::string finishes_;  // F records, kept apart until the sink has flushed
    std::string writing_;   // what flush() writes: kept, so its memory serves every turn
    bool staged_intents_ = false;
};

/// Applies one journal line to `state`; false when the line is not a record.
/// (The loader's core, exposed for tests and fuzzing.)
bool apply_journal_line(std::string_view line, journal_state& state);

} // namespace oneai::detail
