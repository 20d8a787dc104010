#pragma once
// `oneai bench compare A.json B.json` and `oneai bench merge R1.json ... -o ALL.json`:
// the steps after a run, on report files alone.

#include <string>
#include <vector>

namespace oneai::cli {

/// Prints two reports side by side with B/A ratios. `args` follow "compare".
int run_bench_compare(const std::vector<std::string>& args);

/// Merges reports exactly (histograms, counters, the series) into one file
/// (-o, else standard output). `args` follow "merge".
int run_bench_merge(const std::vector<std::string>& args);

} // namespace oneai::cli
