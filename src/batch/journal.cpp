#include "journal.hpp"

#include "common/write_all.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace oneai::detail {

journal_state journal::load(const std::string& path) {
    journal_state state;
    std::ifstream in(path);
    if (!in) {
        if (::access(path.c_str(), F_OK) == 0)
            throw std::runtime_error("cannot read the journal '" + path + "'");
        return state;
    }
    std::string line;
    while (std::getline(in, line)) {
        if (in.eof() && !line.empty())
            break; // a torn last line (no newline): the event never completed
        std::istringstream fields(line);
        char kind = 0;
        std::uint64_t index = 0;
        if (!(fields >> kind >> index))
            continue;
        switch (kind) {
        case 'I':
        case 'U':
            if (!state.finished.contains(index) && !state.submitted.contains(index))
                state.unsure.insert(index);
            break;
        case 'T': {
            std::string id;
            if (fields >> id && !state.finished.contains(index)) {
                state.submitted[index] = id;
                state.unsure.erase(index);
            }
            break;
        }
        case 'F':
            state.finished.insert(index);
            state.submitted.erase(index);
            state.unsure.erase(index);
            break;
        default:
            break;
        }
    }
    return state;
}

journal::journal(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw std::runtime_error("cannot write the journal '" + path +
                                 "': " + std::strerror(errno));
}

journal::~journal() {
    if (fd_ >= 0)
        ::close(fd_);
}

void journal::append(const std::string& line) {
    // One write per event: a kill -9 leaves whole events (the kernel has them).
    common::write_all(fd_, line, "journal '" + path_ + "'");
}

void journal::intent(std::uint64_t index) {
    append("I " + std::to_string(index) + "\n");
}
void journal::submitted(std::uint64_t index, const std::string& task_id) {
    append("T " + std::to_string(index) + " " + task_id + "\n");
}
void journal::unknown(std::uint64_t index) {
    append("U " + std::to_string(index) + "\n");
}
void journal::finished(std::uint64_t index) {
    append("F " + std::to_string(index) + "\n");
}

} // namespace oneai::detail
