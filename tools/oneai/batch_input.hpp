#pragma once
// The input of `oneai batch`: JSONL read once, streamed, never whole in
// memory. "-" is standard input. A regular file can be scanned first (to count
// its items and check them against a journal) and rewound; a pipe, FIFO or
// terminal is read once, as it comes.

#include "batch_lines.hpp"

#include <oneai/batch_item.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <sys/stat.h>

namespace oneai::cli {

class batch_input {
  public:
    /// Throws std::invalid_argument when it cannot be read.
    batch_input(const std::string& path, std::uint64_t shard, std::uint64_t shards,
                file_rules files);
    ~batch_input();
    batch_input(const batch_input&) = delete;
    batch_input& operator=(const batch_input&) = delete;

    /// A regular file: scan() may read it ahead.
    bool rewindable() const noexcept { return S_ISREG(identity_.st_mode); }
    const struct stat& identity() const noexcept { return identity_; }

    /// Reads a regular file through once, calling `each(index, fingerprint)`
    /// per item of this shard, then rewinds. Returns the item count.
    std::uint64_t scan(const std::function<void(std::uint64_t, std::uint64_t)>& each);

    /// The next item of this shard, or nullopt at the end. Throws
    /// std::runtime_error on a read error.
    std::optional<batch_item> next();

  private:
    bool read_line(std::string& line);

    int fd_ = -1;
    bool own_fd_ = false;
    struct stat identity_ {};
    std::string path_;
    std::uint64_t shard_, shards_;
    file_rules files_;
    std::uint64_t line_ = 0;
    std::string buffer_;
    std::size_t begin_ = 0; // unread bytes are buffer_[begin_, end_)
    std::size_t end_ = 0;
    bool eof_ = false;
};

} // namespace oneai::cli
