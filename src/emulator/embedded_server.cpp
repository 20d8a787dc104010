#include <oneai/emulator/embedded_server.hpp>
#include <oneai/emulator/server.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <future>
#include <thread>

namespace oneai::emulator {

struct embedded_server::impl {
    boost::asio::io_context io{1};
    server srv;
    std::thread thread;

    explicit impl(config cfg) : srv(io, std::move(cfg)) {}
};

embedded_server::embedded_server(config cfg) : impl_(std::make_unique<impl>(std::move(cfg))) {
    impl_->srv.start();
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

embedded_server::~embedded_server() {
    boost::asio::post(impl_->io, [this] { impl_->srv.stop(); });
    // Let the connections see their sockets close, then end the loop.
    boost::asio::post(impl_->io, [this] { impl_->io.stop(); });
    impl_->thread.join();
}

std::uint16_t embedded_server::port() const noexcept {
    return impl_->srv.port();
}
std::string embedded_server::base_url() const {
    return impl_->srv.base_url();
}

std::string embedded_server::stats_json() const {
    std::promise<std::string> result;
    boost::asio::post(impl_->io, [&] { result.set_value(impl_->srv.stats_json()); });
    return result.get_future().get();
}

} // namespace oneai::emulator
