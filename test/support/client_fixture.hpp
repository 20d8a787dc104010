#pragma once
// An emulator on its own thread and a client on the test thread's io_context.

#include <oneai.hpp>
#include <oneai/emulator/embedded_server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <memory>

namespace oneai::test {

class ClientTest : public ::testing::Test {
  protected:
    emulator::config server_cfg;
    std::unique_ptr<emulator::embedded_server> server;
    boost::asio::io_context io;
    options opts;

    ClientTest() {
        server_cfg.port = 0;
        server_cfg.latency = emulator::latency_model::fixed(std::chrono::milliseconds(30));
        opts.api_key = "test-key";
        opts.polling = poll_policy::scheduled(backoff::constant(std::chrono::milliseconds(20)));
        opts.polling.initial_delay = std::chrono::milliseconds(10);
        opts.retries.delays = backoff::constant(std::chrono::milliseconds(10));
    }

    void start_server() {
        server = std::make_unique<emulator::embedded_server>(server_cfg);
        opts.base_url = server->base_url();
    }

    /// An HTTPS emulator with the test certificate; the client reaches it as "localhost".
    void start_tls_server() {
        server_cfg.tls_cert_file = ONEAI_TEST_CERT;
        server_cfg.tls_key_file = ONEAI_TEST_KEY;
        start_server();
        opts.base_url = "https://localhost:" + std::to_string(server->port());
    }

    std::unique_ptr<client> make_client() {
        return std::make_unique<client>(io.get_executor(), opts);
    }

    /// Runs the io_context until `op` (an async operation taking a token) completes.
    template <typename T, typename Op>
    std::pair<error_code, T> complete(Op op) {
        std::optional<std::pair<error_code, T>> out;
        op([&](error_code ec, T value) { out.emplace(ec, std::move(value)); });
        io.restart();
        while (!out && io.run_one() > 0) {
        }
        EXPECT_TRUE(out.has_value()) << "the operation never completed";
        return out ? std::move(*out) : std::pair<error_code, T>{};
    }

    boost::json::value server_stats() const { return boost::json::parse(server->stats_json()); }
};

inline const char* sample_text = "Maria Lopez met the board in London on Tuesday. The team will "
                                 "publish the full report next week. "
                                 "Customers were delighted with the great service.";

} // namespace oneai::test
