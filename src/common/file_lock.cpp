#include "file_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace oneai::common {
namespace {

// The PID holding a flock on the file `st` describes, from /proc/locks
// ("1: FLOCK  ADVISORY  WRITE 4242 08:01:1311 0 EOF": major and minor in hex).
long lock_holder(const struct stat& st) {
    std::ifstream locks("/proc/locks");
    std::string line;
    while (std::getline(locks, line)) {
        std::istringstream fields(line);
        std::string number, kind, advisory, mode, file, rest;
        long pid = 0;
        if (!(fields >> number >> kind) || kind != "FLOCK")
            continue;
        if (!(fields >> advisory >> mode >> pid >> file))
            continue;
        unsigned major_no = 0, minor_no = 0;
        unsigned long long inode = 0;
        if (std::sscanf(file.c_str(), "%x:%x:%llu", &major_no, &minor_no, &inode) != 3)
            continue;
        if (inode == st.st_ino && major_no == major(st.st_dev) && minor_no == minor(st.st_dev))
            return pid;
    }
    return 0;
}

} // namespace

void lock_exclusively(int fd, const std::string& path, const std::string& what) {
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK)
            throw std::runtime_error("cannot lock the " + what + " '" + path +
                                     "': " + std::strerror(errno));
        struct stat st {};
        const long holder = ::fstat(fd, &st) == 0 ? lock_holder(st) : 0;
        throw file_locked("the " + what + " '" + path + "' is in use by another process" +
                              (holder > 0 ? " (PID " + std::to_string(holder) + ")" : "") +
                              "; wait for it to end, or stop it first",
                          holder);
    }
}

} // namespace oneai::common
