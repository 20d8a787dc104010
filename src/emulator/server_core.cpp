#include "server_core.hpp"

namespace oneai::emulator::detail {

server_core::server_core(asio::io_context& io_, config c)
    : io(io_), cfg(std::move(c)), rng(cfg.seed), store(cfg, rng, stats),
      router(cfg, store, stats, std::chrono::steady_clock::now()), store_timer(io_) {
    store.on_finished = [this](const task_id& id) {
        if (auto it = sync_waiters.find(id); it != sync_waiters.end())
            it->second->cancel();
    };
}

void server_core::schedule_store() {
    if (stopped)
        return;
    auto due = store.next_deadline();
    if (!due || (store_timer_due && *store_timer_due <= *due))
        return; // nothing to do, or the armed timer fires early enough
    store_timer_due = due;
    store_timer.expires_at(*due);
    store_timer.async_wait([self = weak_from_this()](boost::system::error_code ec) {
        auto core = self.lock();
        if (ec || !core) // re-armed for an earlier deadline, or stopped
            return;
        core->store_timer_due.reset();
        core->store.advance(std::chrono::steady_clock::now());
        core->schedule_store();
    });
}

std::uint64_t server_core::add_connection(beast::tcp_stream& stream) {
    connections[next_connection_id] = &stream;
    return next_connection_id++;
}

void server_core::remove_connection(std::uint64_t id) {
    connections.erase(id);
}

void server_core::close_all() {
    stopped = true;
    store_timer.cancel();
    for (auto& [id, stream] : connections) {
        boost::system::error_code ignored;
        stream->socket().close(ignored);
    }
    for (auto& [id, timer] : sync_waiters)
        timer->cancel();
}

} // namespace oneai::emulator::detail
