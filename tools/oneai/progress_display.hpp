#pragma once
// What a running batch shows: a live bar on a terminal, a status line every
// few seconds otherwise, and the final summary.

#include <oneai/batch_progress.hpp>

#include "common/histogram.hpp"

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace oneai::cli {

enum class progress_mode { bar, lines, none };

/// The bar line (no newline): done/total, rate, ETA, failures, in-flight limit.
std::string progress_bar(const batch_progress& p, std::optional<std::uint64_t> total,
                         std::size_t width = 24);
/// A plain status line for logs.
std::string progress_line(const batch_progress& p, std::optional<std::uint64_t> total);

struct batch_summary_figures {
    const common::histogram& latency_us; // submit to outcome
    std::uint64_t polls = 0;
};

void print_summary(std::ostream& out, const batch_progress& p, const batch_summary_figures& f);

} // namespace oneai::cli
