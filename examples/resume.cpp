// Submit, stop waiting (partial cancellation, as on Ctrl-C), then resume the
// wait from the task id alone, as a restarted process would.

#include <oneai.hpp>
#include <oneai/emulator/embedded_server.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <iostream>

namespace asio = boost::asio;

int main() {
    oneai::emulator::config emulator_cfg;
    emulator_cfg.port = 0;
    emulator_cfg.latency = oneai::emulator::latency_model::fixed(std::chrono::seconds(1));
    oneai::emulator::embedded_server emulator(emulator_cfg);

    asio::io_context io;
    oneai::client c{io.get_executor(), {.base_url = emulator.base_url(), .api_key = "example-key"}};
    std::string saved_id; // what a real program would persist

    asio::cancellation_signal stop;
    oneai::diagnostics diag;
    c.async_run(
        oneai::pipeline{}.summarize(), oneai::text_input{"The board met on Tuesday. It was long."},
        diag, asio::bind_cancellation_slot(stop.slot(), [&](oneai::error_code ec, oneai::result) {
            std::cout << "first wait ended: " << ec.message() << "; task " << diag.task_id << "\n";
            saved_id = diag.task_id;
        }));
    asio::steady_timer later(io, std::chrono::milliseconds(300));
    later.async_wait([&](oneai::error_code) { stop.emit(asio::cancellation_type::partial); });
    io.run();

    io.restart();
    int exit_code = 1;
    c.async_wait(oneai::task(saved_id), [&](oneai::error_code ec, oneai::result r) {
        if (!ec) {
            std::cout << "resumed: " << r.summary().value_or("") << "\n";
            exit_code = 0;
        } else {
            std::cerr << "resume failed: " << ec.message() << "\n";
        }
    });
    io.run();
    return exit_code;
}
