// Runs a summary and keywords pipeline and prints them; on failure prints the
// error and its diagnostics and exits 1. Token: a plain callback, called with
// the error code and the result; no coroutine.
#include "example_output.hpp"
#include "service_from_arguments.hpp"

#include <oneai.hpp>

#include <boost/asio/io_context.hpp>

namespace asio = boost::asio;

int main(int argc, char** argv) {
    const service_from_arguments service(argc, argv);
    asio::io_context io;
    oneai::client c{io.get_executor(), service.options()};
    const auto p = oneai::pipeline{}.summarize().keywords();

    int exit_code = 0;
    oneai::input in = oneai::text_input{"Maria Lopez met the board in London on Tuesday. "
                                        "The team will publish the full report next week."};
    oneai::diagnostics diag; // filled until the callback runs: it must outlive the run
    c.async_run(p, std::move(in), diag, [&](oneai::error_code ec, oneai::result r) {
        if (ec)
            exit_code = print_failure(ec, diag);
        else
            print_result(r);
    });
    io.run();
    return exit_code;
}
