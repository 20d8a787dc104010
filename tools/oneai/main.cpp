// oneai: run pipelines, check and wait on tasks, or run the emulator.

#include "arguments.hpp"
#include "batch_command.hpp"
#include "bench_command.hpp"
#include "completion_script.hpp"
#include "exit_codes.hpp"
#include "result_printer.hpp"

#include <oneai.hpp>
#include <oneai/emulator/command_line.hpp>
#include <oneai/emulator/embedded_server.hpp>
#include <oneai/emulator/server.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <functional>
#include <iostream>

namespace {

using namespace oneai;
namespace asio = boost::asio;

// What went wrong, for people: the error, the server's words, and what to try.
void explain(const error_code& ec, const diagnostics& d, std::string_view doing) {
    std::cerr << "oneai: " << doing << ": " << ec.message() << "\n";
    std::string server = d.to_string();
    if (!server.empty())
        std::cerr << "  " << server << "\n";
    if (ec == errc::unauthorized || ec == errc::missing_api_key)
        std::cerr << "  hint: pass --api-key or set ONEAI_API_KEY\n";
    else if (ec == errc::deadline_exceeded || ec == errc::polling_exhausted)
        std::cerr << "  hint: the task may still finish; resume with: oneai wait " << d.task_id
                  << "\n";
    else if (ec == errc::unknown_submission_outcome)
        std::cerr << "  hint: the task may have been created; check before submitting again\n";
    else if (ec.category() != oneai_category() && ec != asio::error::operation_aborted)
        std::cerr << "  hint: check --base-url and the network\n";
}

int run_emulator(const cli::arguments& args) {
    emulator::command_line cl;
    try {
        cl = emulator::parse_command_line(args.rest);
    } catch (const std::exception& e) {
        std::cerr << "oneai emulator: " << e.what() << "\n";
        return cli::exit_usage;
    }
    if (cl.show_help) {
        std::cout << emulator::command_line_usage("oneai emulator");
        return cli::exit_ok;
    }
    if (cl.show_version) {
        std::cout << "oneai " ONEAI_VERSION "\n";
        return cli::exit_ok;
    }
    asio::io_context io{1};
    emulator::server server(io, cl.cfg);
    try {
        server.start();
    } catch (const std::exception& e) {
        std::cerr << "oneai emulator: " << e.what() << "\n";
        return cli::exit_transport;
    }
    std::cout << "oneai-emulator listening on " << server.base_url() << std::endl;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](error_code, int) {
        server.stop();
        io.stop();
    });
    io.run();
    return cli::exit_ok;
}

// Runs one client operation until it completes. Ctrl-C (or SIGTERM) cancels
// it: the first partially (the task keeps running on the server, and its id is
// printed for `oneai wait`), a second at once (terminal), a third exits.
template <typename T, typename Start>
std::pair<error_code, T> run_until_done(asio::io_context& io, Start start) {
    asio::cancellation_signal cancel;
    std::optional<std::pair<error_code, T>> out;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    int received = 0;
    std::function<void()> listen = [&] {
        signals.async_wait([&](error_code ec, int) {
            if (ec || out)
                return;
            ++received;
            if (received >= 3)
                std::_Exit(cli::exit_interrupted); // something does not let go: leave now
            cancel.emit(received == 1 ? asio::cancellation_type::partial
                                      : asio::cancellation_type::terminal);
            listen();
        });
    };
    listen();
    start(asio::bind_cancellation_slot(cancel.slot(), [&](error_code ec, T value) {
        out.emplace(ec, std::move(value));
        // Done: signals get their default action again. Something may still keep
        // io.run() going (a DNS lookup that cannot be stopped), and Ctrl-C or
        // SIGTERM must then end the process rather than be swallowed.
        signals.clear();
        signals.cancel();
    }));
    io.run();
    return std::move(*out);
}

// The end of a run or a wait: the result, or what went wrong and how to go on.
int report_result(const error_code& ec, const result& r, const diagnostics& diag,
                  const cli::arguments& args, std::string_view doing) {
    if (ec == asio::error::operation_aborted) {
        std::cerr << "oneai: interrupted";
        if (!diag.task_id.empty())
            std::cerr << "; the task goes on. Resume with: oneai wait " << diag.task_id;
        std::cerr << "\n";
        return cli::exit_interrupted;
    }
    if (ec) {
        explain(ec, diag, ec == errc::task_failed ? "the task failed" : doing);
        return cli::exit_code_for(ec);
    }
    args.json ? cli::print_json(std::cout, r) : cli::print_readable(std::cout, r);
    return cli::exit_ok;
}

int run_command(const cli::arguments& args, client& c, asio::io_context& io) {
    diagnostics diag;
    const input& in = *args.run_input;
    if (args.no_wait) {
        auto [ec, t] = run_until_done<task>(
            io, [&](auto token) { c.async_submit(args.steps, in, diag, token); });
        if (ec) {
            explain(ec, diag, "submit failed");
            if (ec == asio::error::operation_aborted && diag.request_sent)
                std::cerr << "  interrupted after the request was sent: the task may exist\n";
            return cli::exit_code_for(ec);
        }
        std::cout << t.id() << "\n";
        return cli::exit_ok;
    }
    auto [ec, r] = run_until_done<result>(io, [&](auto token) {
        if (args.sync)
            c.async_run_sync(args.steps, in, diag, token);
        else
            c.async_run(args.steps, in, diag, token);
    });
    return report_result(ec, r, diag, args, "run failed");
}

int task_command(const cli::arguments& args, client& c, asio::io_context& io) {
    diagnostics diag;
    task t(args.task_id);
    if (args.command == "status") {
        auto [ec, s] =
            run_until_done<task_status>(io, [&](auto token) { c.async_status(t, diag, token); });
        if (ec) {
            explain(ec, diag, "status failed");
            return cli::exit_code_for(ec);
        }
        cli::print_status(std::cout, s, args.json);
        return cli::exit_ok;
    }
    auto [ec, r] =
        run_until_done<result>(io, [&](auto token) { c.async_wait(t, std::nullopt, diag, token); });
    return report_result(ec, r, diag, args, "wait failed");
}

} // namespace

int main(int argc, char** argv) {
    // A closed pipe is reported as a write error where it happens, never a silent death.
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string_view> raw(argv + 1, argv + argc);
    cli::arguments args;
    try {
        args = cli::parse_arguments(raw);
    } catch (const std::invalid_argument& e) {
        std::cerr << "oneai: " << e.what() << "\n(see oneai --help)\n";
        return cli::exit_usage;
    }
    if (args.show_help) {
        std::cout << args.help_text;
        return cli::exit_ok;
    }
    if (args.show_version) {
        std::cout << "oneai " ONEAI_VERSION "\n";
        return cli::exit_ok;
    }
    if (!args.completion.empty()) {
        std::cout << cli::bash_completion_script();
        return cli::exit_ok;
    }
    if (args.command == "emulator")
        return run_emulator(args);
    if (args.command == "bench") // starts its own emulator, with its latency and workers
        return cli::run_bench_command(args);
    try {
        std::unique_ptr<emulator::embedded_server> local;
        if (args.use_emulator) {
            emulator::config cfg;
            cfg.port = 0;
            cfg.latency = emulator::latency_model::fixed(std::chrono::milliseconds(300));
            local = std::make_unique<emulator::embedded_server>(cfg);
            args.client_options.base_url = local->base_url();
            if (args.client_options.api_key.empty())
                args.client_options.api_key = "emulator";
        }
        asio::io_context io{1};
        if (args.command == "batch")
            return cli::run_batch_command(args, io);
        client c(io.get_executor(), args.client_options);
        return args.command == "run" ? run_command(args, c, io) : task_command(args, c, io);
    } catch (const std::invalid_argument& e) {
        std::cerr << "oneai: " << e.what() << "\n";
        return cli::exit_usage;
    } catch (const std::exception& e) {
        std::cerr << "oneai: " << e.what() << "\n";
        return cli::exit_transport;
    }
}
