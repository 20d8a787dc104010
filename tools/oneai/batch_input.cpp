#include "batch_input.hpp"

#include "common/fnv1a.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

namespace oneai::cli {
namespace {

constexpr std::size_t chunk = 1 << 16;
// A longer line is still read whole (a big document is legal), but past this
// it is refused as INVALID rather than held in memory.
constexpr std::size_t max_line = 64u << 20;

bool blank(const std::string& line) {
    return line.find_first_not_of(" \t\r") == std::string::npos;
}

} // namespace

batch_input::batch_input(const std::string& path, std::uint64_t shard, std::uint64_t shards,
                         file_rules files)
    : path_(path), shard_(shard), shards_(shards), files_(std::move(files)) {
    if (path == "-") {
        fd_ = STDIN_FILENO;
    } else {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0)
            throw std::invalid_argument("cannot read the input '" + path +
                                        "': " + std::strerror(errno));
        own_fd_ = true;
    }
    if (::fstat(fd_, &identity_) != 0)
        throw std::invalid_argument("cannot read the input '" + path +
                                    "': " + std::strerror(errno));
    if (S_ISDIR(identity_.st_mode))
        throw std::invalid_argument("the input '" + path + "' is a directory");
    buffer_.resize(chunk);
}

batch_input::~batch_input() {
    if (own_fd_)
        ::close(fd_);
}

bool batch_input::read_line(std::string& line) {
    line.clear();
    bool too_long = false;
    for (;;) {
        if (begin_ < end_) {
            const char* start = buffer_.data() + begin_;
            const void* newline = std::memchr(start, '\n', end_ - begin_);
            const std::size_t n =
                newline ? static_cast<const char*>(newline) - start : end_ - begin_;
            if (!too_long && line.size() + n <= max_line)
                line.append(start, n);
            else
                too_long = true;
            begin_ += n;
            if (newline) {
                ++begin_;
                break;
            }
        }
        if (eof_) {
            if (line.empty() && !too_long)
                return false;
            break;
        }
        ssize_t got = ::read(fd_, buffer_.data(), buffer_.size());
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            throw std::runtime_error("cannot read the input '" + path_ +
                                     "': " + std::strerror(errno));
        begin_ = 0;
        end_ = static_cast<std::size_t>(got);
        eof_ = got == 0;
    }
    if (too_long)
        line.assign("\x01"); // not JSON: the item is reported INVALID
    return true;
}

std::uint64_t batch_input::scan(const std::function<void(std::uint64_t, std::uint64_t)>& each) {
    std::uint64_t items = 0;
    std::string line;
    while (read_line(line)) {
        const std::uint64_t index = line_++;
        if (index % shards_ != shard_ || blank(line))
            continue;
        ++items;
        if (each)
            each(index, common::fnv1a64(line));
    }
    if (::lseek(fd_, 0, SEEK_SET) != 0)
        throw std::runtime_error("cannot rewind the input '" + path_ +
                                 "': " + std::strerror(errno));
    line_ = 0;
    begin_ = end_ = 0;
    eof_ = false;
    return items;
}

std::optional<batch_item> batch_input::next() {
    std::string line;
    while (read_line(line)) {
        const std::uint64_t index = line_++;
        if (index % shards_ != shard_ || blank(line))
            continue; // blank lines are not items
        batch_item item = parse_input_line(line, index, files_);
        if (line == "\x01")
            item.invalid = "line " + std::to_string(index + 1) + ": longer than 64 MiB";
        item.fingerprint = common::fnv1a64(line);
        return item;
    }
    return std::nullopt;
}

} // namespace oneai::cli
