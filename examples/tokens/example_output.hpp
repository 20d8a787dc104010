#pragma once
// What every completion-token example prints, in one place, so that the
// examples' own files differ only in how they wait for the result: the token.

#include <oneai.hpp>

#include <iostream>

/// The summary, then one line per keyword, on standard output.
inline void print_result(const oneai::result& r) {
    std::cout << "summary: " << r.summary().value_or("(none)") << "\n";
    for (const oneai::label* l : r.labels_of("keywords"))
        std::cout << "keyword: " << l->span_text << "\n";
}

/// The error and what the service said about it, on standard error; returns
/// the exit status for a failed run.
inline int print_failure(const oneai::error_code& ec, const oneai::diagnostics& diag) {
    std::cerr << "error: " << ec.message() << "\n"
              << "diagnostics: " << diag.to_string() << "\n";
    return 1;
}
