#pragma once

#include <oneai/poll_policy.hpp>
#include <oneai/retry_policy.hpp>
#include <oneai/tls_options.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace oneai {

/// Everything a client is configured with, as a plain aggregate with defaults.
/// The client copies it when it is made; all durations are wall-clock time.
struct options {
    /// Where the API is: the service, an emulator (`http://127.0.0.1:8080`) or
    /// a proxy; a path in it is kept as a prefix. Must be http or https.
    std::string base_url = "https://api.oneai.com";
    /// Sent in the `api-key` header, never logged.
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

    /// Open connections at most; further requests wait for one to be free.
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

    tls_options tls{};      ///< certificate checks for https
    poll_policy polling{};  ///< when to poll a task, and when to give up
    retry_policy retries{}; ///< which failed requests are tried again
};

} // namespace oneai
