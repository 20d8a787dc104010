#pragma once
// The output of `oneai batch`: JSONL outcome lines, buffered and written once
// per event-loop turn (a killed run may leave a torn last line, which a resume
// cuts off). A file is locked for the run (a second batch
// on it is refused, naming the PID that holds it); standard output is not.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

namespace oneai::cli {

class output_file {
  public:
    /// "" = standard output. Opens without truncating, and locks. Throws
    /// common::file_locked or std::runtime_error.
    explicit output_file(const std::string& path);
    ~output_file();
    output_file(const output_file&) = delete;
    output_file& operator=(const output_file&) = delete;

    /// Empties the file (--overwrite).
    void start_over();
    struct recovered {
        std::unordered_set<std::uint64_t> indexes; // outcomes the file keeps
        std::uint64_t not_completed = 0;           // of which FAILED, INVALID or UNKNOWN
    };
    /// For a resume: the outcomes the file already holds. Final outcomes
    /// (COMPLETED, FAILED, INVALID) stay; ERROR lines, and UNKNOWN ones unless
    /// `keep_unknown`, are removed, since the resume retries those items and
    /// each input must end with exactly one line. A torn last line is cut.
    /// Lines are removed by writing the rest to a synced temporary renamed over
    /// the real file (a symbolic link is followed and stays; the mode is kept);
    /// a file with other hard links is refused (std::runtime_error), as the
    /// rename would split it from them.
    recovered recover(bool keep_unknown);

    /// Buffers `line` until the next flush().
    void write(std::string_view line);
    /// Lets `fill` append to the buffer (no line built apart), as write().
    /// When `fill` throws, what it appended is taken back.
    template <typename Fill>
    void append(Fill&& fill) {
        const std::size_t before = buffer_.size();
        try {
            fill(buffer_);
        } catch (...) {
            buffer_.resize(before);
            throw;
        }
    }
    /// Writes what is buffered, with one write(2) where the kernel takes it
    /// whole. Never from inside write() or append(): the batch's journal
    /// records outcomes as finished only after a flush succeeded, so a write
    /// failing anywhere else would leave it vouching for lost lines. After a
    /// failure the buffer is dropped (never written twice) and every later
    /// flush fails too. Throws std::runtime_error (a full disk, a closed pipe).
    void flush();
    /// Flushes, then fdatasync: what was written survives power loss.
    void sync();

  private:
    void open_and_lock();
    int fd_ = -1;
    std::string path_;
    std::string described_; // "output '<path>'", for a failed write's message
    std::string buffer_;
    std::string failure_; // why a write failed: later flushes fail with it
};

} // namespace oneai::cli
