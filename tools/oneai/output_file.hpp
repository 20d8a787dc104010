#pragma once
// The output of `oneai batch`: JSONL outcome lines, one write(2) each so a
// killed run leaves whole lines. A file is locked for the run (a second batch
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

    /// Buffers `line`; writes the buffer once it holds 64 KiB. Throws
    /// std::runtime_error (a full disk, a closed pipe).
    void write(std::string_view line);
    /// Lets `fill` append to the buffer (no line built apart), then as write().
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
        if (buffer_.size() >= flush_threshold)
            flush();
    }
    /// Writes what is buffered, with one write(2) where the kernel takes it
    /// whole. After a failure the buffer is dropped, never written twice.
    void flush();
    /// Flushes, then fdatasync: what was written survives power loss.
    void sync();

  private:
    void open_and_lock();
    static constexpr std::size_t flush_threshold = 64 * 1024;
    int fd_ = -1;
    std::string path_;
    std::string buffer_;
};

} // namespace oneai::cli
