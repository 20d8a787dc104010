// Runs a summary and keywords pipeline and prints them; on failure prints the
// error and its diagnostics and exits 1. Token: asio::use_future, for a caller
// that blocks: the io_context runs on a thread of its own, and
// oneai::with_diagnostics makes future::get() throw an exception that carries
// the diagnostics.
#include "example_output.hpp"
#include "service_from_arguments.hpp"

#include <oneai.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <future>
#include <thread>

namespace asio = boost::asio;

int main(int argc, char** argv) {
    const service_from_arguments service(argc, argv);
    asio::io_context io;
    oneai::client c{io.get_executor(), service.options()};
    const auto p = oneai::pipeline{}.summarize().keywords();

    // Started before the io_context runs, so that the client is only ever
    // used by one thread at a time (see the README's Threads).
    oneai::input in = oneai::text_input{"Maria Lopez met the board in London on Tuesday. "
                                        "The team will publish the full report next week."};
    std::future<oneai::result> outcome =
        c.async_run(p, std::move(in), oneai::with_diagnostics(asio::use_future));
    std::thread network([&io] { io.run(); });

    int exit_code = 0;
    try {
        print_result(outcome.get());
    } catch (const oneai::error_with_diagnostics& e) {
        exit_code = print_failure(e.code(), e.get_diagnostics());
    }
    network.join();
    return exit_code;
}
