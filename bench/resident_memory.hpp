#pragma once
// The process's resident set size, for the memory benchmarks.

#include <fstream>
#include <unistd.h>

namespace oneai::bench {

inline long resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * sysconf(_SC_PAGESIZE);
}

} // namespace oneai::bench
