// Submit, stop waiting (partial cancellation, as on Ctrl-C), then resume the
// wait from the task id alone, as a restarted process would.
//
// Exits 0 only when both halves did what they say: the first wait was
// stopped (operation_aborted) while the task was still running, and the
// resumed wait then saw the same task complete.

#include <oneai.hpp>
#include <oneai/emulator/embedded_server.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <iostream>

namespace asio = boost::asio;

int main() {
    oneai::emulator::config emulator_cfg;
    emulator_cfg.port = 0;
    emulator_cfg.latency = oneai::emulator::latency_model::fixed(std::chrono::seconds(2));
    oneai::emulator::embedded_server emulator(emulator_cfg);

    asio::io_context io;
    oneai::options opts{.base_url = emulator.base_url(), .api_key = "example-key"};
    // Polls every 100 ms, so that the first one comes long before the task ends.
    opts.polling =
        oneai::poll_policy::scheduled(oneai::backoff::constant(std::chrono::milliseconds(100)));
    opts.polling.initial_delay = std::chrono::milliseconds(100);
    oneai::client c{io.get_executor(), opts};
    std::string saved_id; // what a real program would persist

    // Stop waiting once a poll has seen the task still running: what a user
    // pressing Ctrl-C mid-wait does.
    asio::cancellation_signal stop;
    bool seen_running = false;
    c.set_observer({.on_poll = [&](const oneai::poll_event& e) {
        if (seen_running || e.state != oneai::task_state::running)
            return;
        seen_running = true;
        asio::post(io, [&] { stop.emit(asio::cancellation_type::partial); });
    }});
    oneai::diagnostics diag;
    oneai::error_code first_ec;
    c.async_run(
        oneai::pipeline{}.summarize(), oneai::text_input{"The board met on Tuesday. It was long."},
        diag, asio::bind_cancellation_slot(stop.slot(), [&](oneai::error_code ec, oneai::result) {
            std::cout << "first wait ended: " << ec.message() << "; task " << diag.task_id << "\n";
            first_ec = ec;
            saved_id = diag.task_id;
        }));
    io.run();
    c.set_observer({});
    if (first_ec != asio::error::operation_aborted || !seen_running || saved_id.empty()) {
        std::cerr << "the first wait was not stopped while the task ran\n";
        return 1;
    }

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
