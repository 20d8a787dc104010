// Runs a summary and keywords pipeline and prints them; on failure prints the
// error and its diagnostics and exits 1. Token: none. The client is made with
// asio::use_awaitable as its default token (as_default_on), so that a
// coroutine writes `co_await c.async_run(p, in)`; errors are exceptions.
#include "example_output.hpp"
#include "service_from_arguments.hpp"

#include <oneai.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace asio = boost::asio;

int main(int argc, char** argv) {
    const service_from_arguments service(argc, argv);
    asio::io_context io;
    auto c = asio::use_awaitable.as_default_on(oneai::client{io.get_executor(), service.options()});
    const auto p = oneai::pipeline{}.summarize().keywords();

    int exit_code = 0;
    auto run = [&]() -> asio::awaitable<void> {
        oneai::input in = oneai::text_input{"Maria Lopez met the board in London on Tuesday. "
                                            "The team will publish the full report next week."};
        oneai::diagnostics diag; // filled by the run, read when it throws
        try {
            oneai::result r = co_await c.async_run(p, std::move(in), diag);
            print_result(r);
        } catch (const boost::system::system_error& e) {
            exit_code = print_failure(e.code(), diag);
        }
    };
    asio::co_spawn(io, run(), asio::detached);
    io.run();
    return exit_code;
}
