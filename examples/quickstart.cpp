// Quickstart: run a pipeline with co_await. Uses the embedded emulator, so it
// runs offline; point base_url at https://api.oneai.com with a real key instead.

#include <oneai.hpp>
#include <oneai/emulator/embedded_server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <iostream>

namespace asio = boost::asio;

int main() {
    oneai::emulator::config emulator_cfg;
    emulator_cfg.port = 0;
    oneai::emulator::embedded_server emulator(emulator_cfg);

    asio::io_context io;
    oneai::options opts;
    opts.base_url = emulator.base_url();
    opts.api_key = "example-key";
    oneai::client c{io.get_executor(), opts};
    auto p = oneai::pipeline{}.summarize({.max_length = 20}).keywords();

    int exit_code = 0;
    auto summarize = [&]() -> asio::awaitable<void> {
        oneai::input in = oneai::text_input{"Maria Lopez met the board in London on Tuesday. "
                                            "The team will publish the full report next week."};
        try {
            oneai::result r = co_await c.async_run(p, std::move(in),
                                                   oneai::with_diagnostics(asio::use_awaitable));
            std::cout << "summary: " << r.summary().value_or("(none)") << "\n";
            for (const oneai::label* l : r.labels_of("keywords"))
                std::cout << "keyword: " << l->span_text << "\n";
        } catch (const oneai::error_with_diagnostics& e) {
            std::cerr << "failed: " << e.what() << "\n";
            exit_code = 1;
        }
    };
    asio::co_spawn(io, summarize(), asio::detached);
    io.run();
    return exit_code;
}
