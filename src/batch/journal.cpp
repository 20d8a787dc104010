#include "journal.hpp"

#include "client/core/task_id.hpp"
#include "common/file_lock.hpp"
#include "common/write_all.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace oneai::detail {
namespace {

constexpr std::string_view magic = "oneai-journal ";
constexpr std::string_view version = "2";

// Splits off the next space-separated field.
std::string_view next_field(std::string_view& rest) {
    const auto start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) {
        rest = {};
        return {};
    }
    rest.remove_prefix(start);
    const auto end = rest.find(' ');
    std::string_view field = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    return field;
}

bool parse_number(std::string_view text, std::uint64_t& out, int base = 10) {
    if (text.empty())
        return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
    return ec == std::errc{} && end == text.data() + text.size();
}

// Appends "<kind> <index>[ <field>]\n" without a temporary string: the
// journal takes several records per task.
void append_record(std::string& out, char kind, std::uint64_t index, std::string_view field = {}) {
    char number[24];
    auto [end, ec] = std::to_chars(number, number + sizeof number, index);
    out += kind;
    out += ' ';
    out.append(number, end);
    if (!field.empty()) {
        out += ' ';
        out += field;
    }
    out += '\n';
}

void append_record(std::string& out, char kind, std::uint64_t index, std::uint64_t hash) {
    char digits[17];
    auto [end, ec] = std::to_chars(digits, digits + 16, hash, 16);
    append_record(out, kind, index,
                  std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

bool parse_header(std::string_view line, journal_state& state) {
    line.remove_prefix(magic.size());
    if (next_field(line) != version)
        throw std::runtime_error("the journal was written by another version of oneai (format " +
                                 std::string(line.substr(0, 8)) + "); start over with --overwrite");
    state.has_header = true;
    for (std::string_view field = next_field(line); !field.empty(); field = next_field(line)) {
        const auto eq = field.find('=');
        if (eq == std::string_view::npos)
            continue;
        const std::string_view key = field.substr(0, eq), value = field.substr(eq + 1);
        if (key == "pipeline")
            state.header.pipeline = value;
        else if (key == "input")
            state.header.input = value;
        else if (key == "host")
            state.header.host = value;
    }
    return true;
}

} // namespace

bool apply_journal_line(std::string_view line, journal_state& state) {
    if (line.starts_with(magic))
        return parse_header(line, state);
    std::string_view rest = line;
    const std::string_view kind = next_field(rest);
    std::uint64_t index = 0;
    if (kind.size() != 1 || !parse_number(next_field(rest), index))
        return false;
    switch (kind[0]) {
    case 'I': {
        std::uint64_t hash = 0;
        if (!parse_number(next_field(rest), hash, 16))
            return false;
        if (state.finished.contains(index))
            return true;
        state.line_hash[index] = hash;
        state.retry.erase(index);
        state.submitted.erase(index);
        state.unsure.insert(index);
        return true;
    }
    case 'T': {
        const std::string_view id = next_field(rest);
        if (!is_task_id(id)) // a hand-edited or forged record: the submit stays unsure
            return false;
        if (state.finished.contains(index))
            return true;
        state.submitted[index] = std::string(id);
        state.unsure.erase(index);
        state.retry.erase(index);
        return true;
    }
    case 'U':
        if (state.finished.contains(index))
            return true;
        state.submitted.erase(index);
        state.retry.erase(index);
        state.unsure.insert(index);
        return true;
    case 'E': {
        if (state.finished.contains(index))
            return true;
        const std::string_view error = next_field(rest);
        // A task that exists is waited on again; one that expired, or a
        // submit that never got a task, is submitted again.
        if (state.submitted.contains(index) && error != "task_not_found")
            return true;
        state.submitted.erase(index);
        state.unsure.erase(index);
        state.retry.insert(index);
        return true;
    }
    case 'F': {
        std::uint64_t hash = 0;
        if (parse_number(next_field(rest), hash, 16))
            state.line_hash[index] = hash;
        state.finished.insert(index);
        state.submitted.erase(index);
        state.unsure.erase(index);
        state.retry.erase(index);
        return true;
    }
    default:
        return false;
    }
}

journal::journal(const std::string& path) : path_(path), described_("journal '" + path + "'") {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw std::runtime_error("cannot write the journal '" + path +
                                 "': " + std::strerror(errno));
    try {
        common::lock_exclusively(fd_, path, "journal");
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

journal::~journal() {
    if (fd_ >= 0)
        ::close(fd_);
}

journal_state journal::load() {
    journal_state state;
    std::string buffer(1 << 20, '\0');
    std::string line;
    off_t offset = 0, whole = 0; // `whole`: bytes up to the last newline
    for (;;) {
        ssize_t n = ::pread(fd_, buffer.data(), buffer.size(), offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw std::runtime_error("cannot read the journal '" + path_ +
                                     "': " + std::strerror(errno));
        if (n == 0)
            break;
        std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
        while (!chunk.empty()) {
            const auto newline = chunk.find('\n');
            if (newline == std::string_view::npos) {
                line.append(chunk);
                break;
            }
            line.append(chunk.substr(0, newline));
            chunk.remove_prefix(newline + 1);
            whole += static_cast<off_t>(line.size() + 1);
            if (whole == static_cast<off_t>(line.size() + 1) && !line.starts_with(magic))
                throw std::runtime_error("'" + path_ +
                                         "' is not a oneai journal of this version (no header); "
                                         "start over with --overwrite");
            apply_journal_line(line, state);
            line.clear();
        }
        offset += n;
    }
    if (offset != whole) {
        // A torn last record: cut it, so that the next record starts on a line of its own.
        while (::ftruncate(fd_, whole) != 0) {
            if (errno != EINTR)
                throw std::runtime_error("cannot repair the journal '" + path_ +
                                         "': " + std::strerror(errno));
        }
    }
    return state;
}

void journal::truncate() {
    if (::ftruncate(fd_, 0) != 0)
        throw std::runtime_error("cannot empty the journal '" + path_ +
                                 "': " + std::strerror(errno));
}

bool journal::empty() const {
    struct stat st {};
    return ::fstat(fd_, &st) == 0 && st.st_size == 0;
}

void journal::header(const journal_header& h) {
    staged_ += std::string(magic) + std::string(version) + " pipeline=" + h.pipeline +
               " input=" + h.input + " host=" + h.host + "\n";
}

void journal::intent(std::uint64_t index, std::uint64_t line_hash) {
    append_record(staged_, 'I', index, line_hash);
    staged_intents_ = true;
}
void journal::submitted(std::uint64_t index, const std::string& task_id) {
    append_record(staged_, 'T', index, task_id);
}
void journal::unknown(std::uint64_t index) {
    append_record(staged_, 'U', index);
}
void journal::retryable(std::uint64_t index, const std::string& error_name) {
    std::string name = error_name;
    for (char& c : name) // one field: no spaces or control characters
        if (c <= ' ' || c == 0x7f)
            c = '_';
    append_record(staged_, 'E', index, name);
}
void journal::finished(std::uint64_t index, std::uint64_t line_hash) {
    append_record(finishes_, 'F', index, line_hash);
}

void journal::drop_finishes() noexcept {
    finishes_.clear();
}

void journal::flush(bool durable) {
    if (has_staged()) {
        // The finishes last: an item's other records always precede its F.
        // Copied into a buffer kept from turn to turn (a swap would hand the
        // staging string's memory to a temporary and grow it again next turn).
        writing_.assign(staged_).append(finishes_);
        staged_.clear();
        finishes_.clear();
        staged_intents_ = false;
        common::write_all(fd_, writing_, described_);
    }
    if (durable && ::fdatasync(fd_) != 0)
        throw std::runtime_error("cannot sync the journal '" + path_ +
                                 "': " + std::strerror(errno));
}

} // namespace oneai::detail
