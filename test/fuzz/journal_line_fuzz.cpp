// Fuzzes the batch journal's loader: each line of the input is applied to one
// state, as journal::load() does with a journal found on disk (which a crash,
// a full disk or a hand edit may have left in any shape). Afterwards the
// state must be consistent: an item is in at most one of submitted, unsure
// and retry, and never in any of them once finished.

#include "batch/journal.hpp"

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace {

void check(const oneai::detail::journal_state& s) {
    for (const auto& [index, id] : s.submitted) {
        if (id.empty() || s.unsure.contains(index) || s.retry.contains(index) ||
            s.finished.contains(index))
            std::abort();
    }
    for (const auto index : s.unsure) {
        if (s.retry.contains(index) || s.finished.contains(index))
            std::abort();
    }
    for (const auto index : s.retry) {
        if (s.finished.contains(index))
            std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    oneai::detail::journal_state state;
    while (!text.empty()) {
        const auto end = text.find('\n');
        try {
            oneai::detail::apply_journal_line(text.substr(0, end), state);
        } catch (const std::runtime_error&) {
            return 0; // a header of another format: load() refuses the journal
        }
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 1);
    }
    check(state);
    return 0;
}
