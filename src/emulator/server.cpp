#include <oneai/emulator/server.hpp>

#include "server_core.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/serialize.hpp>

namespace oneai::emulator {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Out of descriptors or kernel memory, accept() fails at once for as long as
// the condition lasts, and the pending connection keeps the listening socket
// readable: accepting again straight away would spin a core. Waiting a little
// lets the connections we serve finish and give descriptors back.
constexpr std::chrono::milliseconds accept_backoff{100};

bool is_resource_exhaustion(const boost::system::error_code& ec) {
    return ec == asio::error::no_descriptors                           // EMFILE
           || ec == boost::system::errc::too_many_files_open_in_system // ENFILE
           || ec == asio::error::no_buffer_space                       // ENOBUFS
           || ec == asio::error::no_memory;                            // ENOMEM
}

} // namespace

struct server::impl {
    std::shared_ptr<detail::server_core> core;
    tcp::acceptor acceptor;
    asio::steady_timer accept_retry;
    std::uint16_t port = 0;

    impl(asio::io_context& io, config cfg)
        : core(std::make_shared<detail::server_core>(io, std::move(cfg))), acceptor(io),
          accept_retry(io) {}

    void accept_next() {
        acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || !acceptor.is_open())
                return;
            if (!ec) {
                detail::start_connection(core, std::move(socket));
            } else {
                ++core->stats.accept_failures;
                if (is_resource_exhaustion(ec)) {
                    accept_after_backoff();
                    return;
                }
            }
            // A connection reset before it was accepted and the like: go on at once.
            accept_next();
        });
    }

    void accept_after_backoff() {
        accept_retry.expires_after(accept_backoff);
        accept_retry.async_wait([this](boost::system::error_code ec) {
            if (!ec && acceptor.is_open())
                accept_next();
        });
    }
};

server::server(asio::io_context& io, config cfg)
    : impl_(std::make_shared<impl>(io, std::move(cfg))) {
    const config& c = impl_->core->cfg;
    if (c.tls_enabled()) {
        auto& ctx = impl_->core->tls.emplace(asio::ssl::context::tls_server);
        ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1);
        ctx.use_certificate_chain_file(c.tls_cert_file);
        ctx.use_private_key_file(c.tls_key_file, asio::ssl::context::pem);
    }
}

server::~server() {
    stop();
}

std::uint16_t server::start() {
    const config& c = impl_->core->cfg;
    tcp::endpoint endpoint(asio::ip::make_address(c.address), c.port);
    auto& acceptor = impl_->acceptor;
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    impl_->port = acceptor.local_endpoint().port();
    impl_->accept_next();
    return impl_->port;
}

void server::stop() {
    if (!impl_)
        return;
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->accept_retry.cancel();
    impl_->core->close_all();
}

std::uint16_t server::port() const noexcept {
    return impl_->port;
}

std::string server::base_url() const {
    const config& c = impl_->core->cfg;
    return std::string(c.tls_enabled() ? "https://" : "http://") + c.address + ":" +
           std::to_string(impl_->port);
}

std::string server::stats_json() const {
    const auto& core = *impl_->core;
    return boost::json::serialize(
        core.stats.to_json(core.store.queued(), core.store.running(), core.store.stored()));
}

} // namespace oneai::emulator
