#pragma once
// The input of `oneai batch`: JSONL read once, streamed, never whole in
// memory. "-" is standard input. A regular file is read directly, and can be
// scanned first (to count its items and check them against a journal) and
// rewound. A pipe, FIFO or terminal is read asynchronously on the event loop,
// as lines come, so a slow writer never stalls polls, outputs or signals.

#include "batch_lines.hpp"

#include <oneai/batch_engine.hpp>
#include <oneai/batch_item.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
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

    /// The next item of this shard, or nullopt at the end (regular files).
    /// Throws std::runtime_error on a read error.
    std::optional<batch_item> next();

    /// The source for a batch: synchronous for a regular file, asynchronous on
    /// `ex` otherwise. The input must outlive the batch.
    std::variant<batch_engine::source, batch_engine::async_source>
    source(const boost::asio::any_io_executor& ex);
    /// Abandons a read under way (the batch ended while a pipe was silent).
    void cancel();

  private:
    struct async_reader;
    bool take_line(std::string& line); // a whole line from the buffer, if there is one
    bool read_line(std::string& line); // blocking
    /// The line's index when it is an item of this shard (a leading BOM cut).
    std::optional<std::uint64_t> item_index(std::string& line);
    std::optional<batch_item> item_from(std::string& line);
    void pull(boost::asio::any_completion_handler<void(std::optional<batch_item>)> handler);

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
    std::string pending_; // the start of a line whose end has not come yet
    bool too_long_ = false;
    std::unique_ptr<async_reader> async_;
};

} // namespace oneai::cli
