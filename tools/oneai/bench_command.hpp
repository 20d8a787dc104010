#pragma once
// `oneai bench`: a load run (the flags of bench_arguments), or `bench compare`
// and `bench merge` over reports.

#include "arguments.hpp"

namespace oneai::cli {

/// Runs the bench command given by the global arguments (`args.rest` holds
/// the words after `bench`) and returns the exit status.
int run_bench_command(const arguments& args);

} // namespace oneai::cli
