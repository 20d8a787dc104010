#pragma once
// The state one emulator instance shares between its connections: the task
// store and its timer, the router, the live connections (so stop() can close
// them) and the connections waiting for a sync run to finish.

#include "api_router.hpp"
#include "emulator_stats.hpp"
#include "task_store.hpp"

#include <oneai/emulator/config.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <memory>
#include <optional>
#include <unordered_map>

namespace oneai::emulator::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;

struct server_core : std::enable_shared_from_this<server_core> {
    server_core(asio::io_context& io, config c);

    /// Re-arms the store timer for the store's next deadline.
    void schedule_store();

    /// Connections register themselves so that stop() can close them.
    std::uint64_t add_connection(beast::tcp_stream& stream);
    void remove_connection(std::uint64_t id);
    void close_all();

    asio::io_context& io;
    config cfg;
    std::mt19937_64 rng; // processing times only: faults have generators of their own
    emulator_stats stats;
    task_store store;
    api_router router;
    std::optional<asio::ssl::context> tls;
    asio::steady_timer store_timer;
    std::optional<steady_time> store_timer_due;
    /// Sync runs in progress: the timer their connection sleeps on.
    std::unordered_map<task_id, asio::steady_timer*, task_id_hash> sync_waiters;
    std::unordered_map<std::uint64_t, beast::tcp_stream*> connections;
    /// Accepted connections not yet closed, bounded by cfg.max_connections.
    std::size_t open_connections = 0;
    std::uint64_t next_connection_id = 0;
    bool stopped = false;
};

/// Serves one accepted connection until it closes (plain or TLS by cfg), or
/// closes it at once when max_connections are open.
void start_connection(std::shared_ptr<server_core> core, asio::ip::tcp::socket socket);

} // namespace oneai::emulator::detail
