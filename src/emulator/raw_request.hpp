#pragma once
// One request from raw bytes to the router's answer, without a socket: what a
// connection does between reading and writing (the header and body limits,
// the error answers to requests that are not HTTP, routing). It lets the
// whole request path be fuzzed and tested byte for byte.

#include "api_router.hpp"

#include <oneai/emulator/config.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace oneai::emulator::detail {

struct raw_answer {
    reply answer;
    /// Bytes of the input the request took; a pipelined request may follow.
    std::size_t consumed = 0;
    /// False when `answer` is the error (400, 413, 431) sent for bytes that
    /// could not be parsed as a request; the connection then closes.
    bool parsed = false;
};

/// Parses the request at the start of `bytes` with the limits of `cfg` and,
/// when it is one, lets `router` answer it. nullopt when a connection would
/// close without answering: the bytes end before the request does.
std::optional<raw_answer> answer_raw_request(api_router& router, const config& cfg,
                                             std::string_view bytes, steady_time now);

} // namespace oneai::emulator::detail
