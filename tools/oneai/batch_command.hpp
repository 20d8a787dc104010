#pragma once
// `oneai batch`: a JSONL file in, a JSONL file of outcomes out.

#include "arguments.hpp"

#include <oneai/client.hpp>

#include <boost/asio/io_context.hpp>

namespace oneai::cli {

/// Parses the batch flags, runs the batch on `io` with a client made from
/// `client_options`, and returns the exit status.
int run_batch_command(const arguments& args, boost::asio::io_context& io);

} // namespace oneai::cli
