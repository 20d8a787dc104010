#include "batch_input.hpp"

#include "common/fnv1a.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

namespace oneai::cli {
namespace {

namespace asio = boost::asio;

constexpr std::size_t chunk = 1 << 16;
// A longer line is refused as INVALID rather than held in memory.
constexpr std::size_t max_line = 64u << 20;
constexpr std::string_view too_long_marker = "\x01";

bool blank(const std::string& line) {
    return line.find_first_not_of(" \t\r") == std::string::npos;
}

} // namespace

// A pipe's reader on the event loop. Asio makes the descriptor non-blocking,
// which a duplicate shares with the original: the flags are put back after, so
// whoever reads the terminal or pipe next finds it as it was.
struct batch_input::async_reader {
    int original_flags;
    int fd;
    asio::posix::stream_descriptor stream;
    async_reader(const asio::any_io_executor& ex, int input)
        : original_flags(::fcntl(input, F_GETFL)), fd(input), stream(ex, ::dup(input)) {}
    ~async_reader() {
        stream.close();
        if (original_flags >= 0)
            ::fcntl(fd, F_SETFL, original_flags);
    }
};

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
    async_.reset();
    if (own_fd_)
        ::close(fd_);
}

bool batch_input::take_line(std::string& line) {
    if (begin_ < end_) {
        const char* start = buffer_.data() + begin_;
        const void* newline = std::memchr(start, '\n', end_ - begin_);
        const std::size_t n =
            newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - start)
                    : end_ - begin_;
        if (!too_long_ && pending_.size() + n <= max_line)
            pending_.append(start, n);
        else
            too_long_ = true;
        begin_ += n + (newline ? 1 : 0);
        if (!newline && !eof_)
            return false;
    } else if (!eof_ || (pending_.empty() && !too_long_)) {
        return false;
    }
    line = too_long_ ? std::string(too_long_marker) : std::move(pending_);
    pending_.clear();
    too_long_ = false;
    return true;
}

bool batch_input::read_line(std::string& line) {
    for (;;) {
        if (take_line(line))
            return true;
        if (eof_)
            return false;
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
}

std::optional<std::uint64_t> batch_input::item_index(std::string& line) {
    const std::uint64_t index = line_++;
    if (index == 0 && line.starts_with("\xEF\xBB\xBF"))
        line.erase(0, 3); // a byte-order mark some editors write: not part of the JSON
    if (index % shards_ != shard_ || blank(line))
        return std::nullopt; // another shard's, or blank: not an item
    return index;
}

std::optional<batch_item> batch_input::item_from(std::string& line) {
    const auto at = item_index(line);
    if (!at)
        return std::nullopt;
    const std::uint64_t index = *at;
    batch_item item = parse_input_line(line, index, files_);
    if (line == too_long_marker)
        item.invalid = "line " + std::to_string(index + 1) + ": longer than 64 MiB";
    item.fingerprint = common::fnv1a64(line);
    return item;
}

std::uint64_t batch_input::scan(const std::function<void(std::uint64_t, std::uint64_t)>& each) {
    std::uint64_t items = 0;
    std::string line;
    while (read_line(line)) {
        const auto index = item_index(line);
        if (!index)
            continue;
        ++items;
        if (each)
            each(*index, common::fnv1a64(line));
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
    while (read_line(line))
        if (auto item = item_from(line))
            return item;
    return std::nullopt;
}

void batch_input::pull(asio::any_completion_handler<void(std::optional<batch_item>)> handler) {
    std::string line;
    while (take_line(line))
        if (auto item = item_from(line))
            return std::move(handler)(std::move(item));
    if (eof_)
        return std::move(handler)(std::nullopt);
    async_->stream.async_read_some(
        asio::buffer(buffer_), [this, handler = std::move(handler)](boost::system::error_code ec,
                                                                    std::size_t got) mutable {
            begin_ = 0;
            end_ = got;
            if (ec == asio::error::eof || (!ec && got == 0))
                eof_ = true;
            else if (ec == asio::error::operation_aborted)
                return; // the batch ended: nobody waits for the item
            else if (ec)
                eof_ = true; // an error ends the input; what was read is kept
            pull(std::move(handler));
        });
}

void batch_input::cancel() {
    if (async_)
        async_->stream.cancel();
}

std::variant<batch_engine::source, batch_engine::async_source>
batch_input::source(const asio::any_io_executor& ex) {
    if (rewindable())
        return batch_engine::source([this] { return next(); });
    async_ = std::make_unique<async_reader>(ex, fd_);
    return batch_engine::async_source(
        [this](asio::any_completion_handler<void(std::optional<batch_item>)> handler) {
            pull(std::move(handler));
        });
}

} // namespace oneai::cli
