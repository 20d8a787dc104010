#pragma once
// How much of a pipeline result the client decodes from a status answer.

namespace oneai::detail {

enum class result_decoding {
    typed,     // the typed outputs, the stats and the JSON text
    text_only, // the stats and the JSON text: for callers that pass results on
};

} // namespace oneai::detail
