#pragma once

#include <oneai/input.hpp>

#include <cstdint>
#include <string>

namespace oneai {

/// One input of a batch, as read from the source.
struct batch_item {
    std::uint64_t index = 0; ///< position in the whole input (line number - 1 for JSONL)
    std::string id;          ///< the caller's id, echoed in the outcome
    oneai::input input;      ///< what the pipeline runs on
    std::string echo_json;   ///< other fields of the input line, as a JSON object text ("" = none)
    std::string invalid;     ///< set when the line could not be read: why (the item fails)
    /// A hash of the item's source (the input line), kept in the journal so a
    /// resume notices an edited input; 0 = not checked.
    std::uint64_t fingerprint = 0;
};

} // namespace oneai
