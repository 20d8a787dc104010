#pragma once
// Everything a client is configured with, as a plain aggregate with defaults.

#include <oneai/poll_policy.hpp>
#include <oneai/retry_policy.hpp>
#include <oneai/tls_options.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace oneai {

struct options {
    std::string base_url = "https://api.oneai.com";
    /// Empty: read ONEAI_API_KEY from the environment when the client is made.
    std::string api_key{};
    /// Empty: `cpp-sdk/<version>/<install id>`.
    std::string user_agent{};

    /// Connecting (and the TLS handshake). Timeouts end within 50 ms of
    /// their time: one timer watches every connection's.
    std::chrono::milliseconds connect_timeout{std::chrono::seconds{10}};
    /// One HTTP exchange (write the request, read the whole response);
    /// fails with boost::beast::error::timeout.
    std::chrono::milliseconds request_timeout{std::chrono::seconds{60}};
    /// Default deadline of a whole wait or run (submit and polling); 0 = none.
    std::chrono::milliseconds task_deadline{std::chrono::hours{1}};

    std::size_t max_connections_per_host = 32;
    /// Idle kept-alive connections older than this are closed instead of reused.
    std::chrono::milliseconds idle_timeout{std::chrono::seconds{30}};
    /// Longest wait for a free connection before the request fails.
    std::chrono::milliseconds pool_wait_timeout{std::chrono::seconds{30}};
    /// Larger responses fail with errc::response_too_large.
    std::size_t max_response_size = 64 * 1024 * 1024;

    /// Lets handlers on several threads share the client (an io_context run by
    /// many threads): the client makes a strand of its own over its executor,
    /// and every call (operations, shutdown, set_observer) goes through it.
    /// counters() may be read from any thread either way. Off, the client must
    /// be used from its executor only; one client per thread is the fastest.
    bool thread_safe = false;

    tls_options tls{};
    poll_policy polling{};
    retry_policy retries{};
};

} // namespace oneai
