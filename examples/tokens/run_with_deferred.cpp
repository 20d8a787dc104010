// Runs a summary and keywords pipeline and prints them; on failure prints the
// error and its diagnostics and exits 1. Token: asio::deferred wrapped in
// asio::as_tuple, awaited in a coroutine: the error comes back as a value, no
// exception is thrown, and the diagnostics are filled in place.
#include "example_output.hpp"
#include "service_from_arguments.hpp"

#include <oneai.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace asio = boost::asio;

int main(int argc, char** argv) {
    const service_from_arguments service(argc, argv);
    asio::io_context io;
    oneai::client c{io.get_executor(), service.options()};
    const auto p = oneai::pipeline{}.summarize().keywords();

    int exit_code = 0;
    auto run = [&]() -> asio::awaitable<void> {
        oneai::input in = oneai::text_input{"Maria Lopez met the board in London on Tuesday. "
                                            "The team will publish the full report next week."};
        oneai::diagnostics diag;
        auto [ec, r] = co_await c.async_run(p, std::move(in), diag, asio::as_tuple(asio::deferred));
        if (ec)
            exit_code = print_failure(ec, diag);
        else
            print_result(r);
    };
    asio::co_spawn(io, run(), asio::detached);
    io.run();
    return exit_code;
}
