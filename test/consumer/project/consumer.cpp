// A program of another project that uses oneai the way its users do: through
// the public headers only, with Asio and Beast header-only (unless the
// installed library was built with ONEAI_SEPARATE_ASIO, whose targets then ask
// for the same macros), Beast's own string_view, and no macro of oneai's own
// build. It runs a pipeline on the embedded emulator, then checks that an error
// made inside the library (a request timeout) equals Beast's error code as this
// program sees it (error categories are compared by address, so a second copy
// of Beast's category (a mismatch of separate compilation, or one hidden in a
// shared liboneai) would break it). The timeout comes from a socket of this
// program's own, which takes connections but never answers.

#include <oneai.hpp>
#include <oneai/emulator.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>

#include <chrono>
#include <iostream>
#include <string>

namespace asio = boost::asio;

int main() {
    oneai::emulator::config emulator_cfg;
    emulator_cfg.port = 0;
    emulator_cfg.latency = oneai::emulator::latency_model::fixed(std::chrono::milliseconds{10});
    oneai::emulator::embedded_server emulator(emulator_cfg);

    asio::io_context io;
    oneai::options opts;
    opts.base_url = emulator.base_url();
    opts.api_key = "consumer-key";
    oneai::client c{io.get_executor(), opts};

    // Listening, never accepting: the kernel completes the connections, and
    // nobody answers the requests.
    asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
    oneai::options slow_opts = opts;
    slow_opts.base_url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port());
    slow_opts.request_timeout = std::chrono::milliseconds{200};
    slow_opts.retries.max_attempts = 1;
    oneai::client slow_client{io.get_executor(), slow_opts};

    int failures = 0;
    auto run = [&]() -> asio::awaitable<void> {
        oneai::input in = oneai::text_input{"Maria Lopez met the board in London on Tuesday. "
                                            "The team will publish the report next week."};
        oneai::pipeline p = oneai::pipeline{}.summarize();
        oneai::result r =
            co_await c.async_run(p, std::move(in), oneai::with_diagnostics(asio::use_awaitable));
        const std::string summary_text = r.summary().value_or("");
        boost::beast::string_view summary = summary_text;
        std::cout << "summary: " << summary << "\n";
        if (summary.empty())
            ++failures;

        oneai::task unknown{"00000000-0000-4000-8000-000000000000"};
        auto [ec, status] =
            co_await slow_client.async_status(unknown, asio::as_tuple(asio::use_awaitable));
        const bool is_timeout = ec == boost::beast::error::timeout;
        std::cout << "timeout: " << ec.message()
                  << " (equals beast::error::timeout: " << (is_timeout ? "yes" : "no") << ")\n";
        if (!is_timeout)
            ++failures;
        slow_client.shutdown();
    };
    asio::co_spawn(io, run(), [&](std::exception_ptr e) {
        if (e) {
            ++failures;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                std::cerr << "failed: " << x.what() << "\n";
            }
        }
    });
    io.run();
    return failures == 0 ? 0 : 1;
}
