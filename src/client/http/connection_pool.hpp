#pragma once
// Kept-alive connections per (scheme, host, port), at most `max_per_host` of
// them. A lease covers one exchange: the connection goes back to the pool
// after a clean exchange and is closed after anything else. Resolved
// addresses are cached per host; a resolution is bounded by the connect
// timeout and abandoned when the caller cancels.

#include "base_url.hpp"
#include "connection.hpp"

#include <oneai/error.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>

namespace oneai::detail {

struct pool_settings {
    std::size_t max_per_host = 32;
    std::chrono::milliseconds idle_timeout{30000};
    std::chrono::milliseconds wait_timeout{30000};
    std::chrono::milliseconds connect_timeout{10000};
    /// Name sent as SNI and verified in the certificate; empty = the URL's host.
    std::string server_name;
    /// An idle connection reused after this long is first checked for a
    /// close by the server (a system call); sooner, a close is unlikely, and
    /// a server closing after N requests says so in its last answer. Submits
    /// check always (see acquire); a status request on a closed connection
    /// is simply sent again on a fresh one.
    std::chrono::milliseconds check_idle_after{250};
};

struct pool_counters {
    std::uint64_t opened = 0;
    std::uint64_t reused = 0;
};

class connection_pool {
  public:
    connection_pool(asio::any_io_executor ex, asio::ssl::context* tls, base_url where,
                    pool_settings settings);

    /// A connection to use, or why there is none: the pool wait timed out,
    /// connect or TLS failed, or the client shut down.
    using lease_result = boost::system::result<std::unique_ptr<connection>>;

    /// An idle connection that is still open, or a new one when fewer than
    /// max_per_host exist, or the next one released within wait_timeout.
    /// `check_closed`: always check a reused connection for a close by the
    /// server, however briefly idle (for a request that must not be sent on a
    /// dead connection: a submit whose fate would then be unknown).
    asio::awaitable<lease_result> acquire(bool fresh_only = false, bool check_closed = false);
    /// The first step of acquire(), without suspending: an idle connection
    /// still fit for use, or null when there is none. Most requests find one,
    /// and a call costs less than a coroutine (whose frame is an allocation).
    std::unique_ptr<connection> take_idle(bool check_closed = false);
    /// Returns a connection after its exchange; closed unless it is reusable.
    void release(std::unique_ptr<connection> conn);
    /// Closes idle connections and fails waiters; later acquires fail.
    void shutdown();

    const pool_counters& counters() const noexcept { return counters_; }

  private:
    struct waiter {
        asio::steady_timer* timer;
        bool woken = false;
    };
    void wake_one();
    asio::awaitable<error_code> resolve(asio::ip::tcp::resolver::results_type& out);

    asio::any_io_executor ex_;
    exchange_deadlines deadlines_; // before the connections: they unwatch on destruction
    asio::ssl::context* tls_;
    base_url where_;
    pool_settings settings_;
    std::deque<std::unique_ptr<connection>> idle_;
    std::size_t open_ = 0; // idle + leased + connecting
    std::list<waiter> waiters_;
    std::optional<asio::ip::tcp::resolver::results_type> resolved_;
    pool_counters counters_;
    bool closed_ = false;
};

} // namespace oneai::detail
