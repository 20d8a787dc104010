#include "bench_command.hpp"

#include "bench_arguments.hpp"
#include "bench_report_commands.hpp"
#include "exit_codes.hpp"

#include <oneai/client.hpp>
#include <oneai/emulator/embedded_server.hpp>
#include <oneai/load/html_report.hpp>
#include <oneai/load/load_generator.hpp>
#include <oneai/load/summary_text.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace oneai::cli {
namespace asio = boost::asio;
namespace {

// A missed --fail-if threshold: 3, as a FAILED task is for `run` and `batch`.
constexpr int exit_threshold_missed = exit_task_failed;

std::string format_ms(std::chrono::microseconds v) {
    char text[32];
    const double ms = static_cast<double>(v.count()) / 1000.0;
    std::snprintf(text, sizeof text, ms < 10 ? "%.2fms" : ms < 1000 ? "%.1fms" : "%.0fms", ms);
    return text;
}

// The live view: one line on standard error, rewritten each second.
class live_view {
  public:
    void show(const load::load_report& so_far, std::size_t in_flight) {
        const auto now = std::chrono::steady_clock::now();
        const std::uint64_t ended = so_far.ended();
        const double seconds = std::chrono::duration<double>(now - last_).count();
        const double rate = seconds > 0 ? static_cast<double>(ended - last_ended_) / seconds : 0;
        shown_ = true;
        last_ = now;
        last_ended_ = ended;
        const auto& e2e = so_far.latency(load::latency_kind::end_to_end);
        char line[256];
        std::snprintf(line, sizeof line,
                      "%8.1f tasks/s  in flight %-6zu  p50 %-9s  p99 %-9s  errors %llu  "
                      "failed %llu  done %llu",
                      rate, in_flight, format_ms(e2e.percentile(0.5)).c_str(),
                      format_ms(e2e.percentile(0.99)).c_str(),
                      static_cast<unsigned long long>(so_far.errors()),
                      static_cast<unsigned long long>(so_far.failed()),
                      static_cast<unsigned long long>(ended));
        std::cerr << "\r" << line << "\033[K" << std::flush;
    }
    void close() {
        if (shown_)
            std::cerr << "\r\033[K" << std::flush;
    }

  private:
    bool shown_ = false;
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
    std::uint64_t last_ended_ = 0;
};

bool write_file(const std::string& path, const std::string& content, const char* what) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
        std::cerr << "oneai bench: cannot write the " << what << " '" << path << "'\n";
        return false;
    }
    return true;
}

std::string default_label(const arguments& args) {
    std::ostringstream label;
    label << "oneai" << (args.use_emulator ? " --emulator" : "") << " bench";
    for (auto word : args.rest)
        label << ' ' << word;
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0 && host[0])
        label << " (" << host << ")";
    return label.str();
}

} // namespace

int run_bench_command(const arguments& args) {
    if (!args.rest.empty() && (args.rest[0] == "compare" || args.rest[0] == "merge")) {
        std::vector<std::string> rest(args.rest.begin() + 1, args.rest.end());
        return args.rest[0] == "compare" ? run_bench_compare(rest) : run_bench_merge(rest);
    }
    bench_arguments b;
    try {
        b = parse_bench_arguments(args.rest);
    } catch (const std::invalid_argument& e) {
        std::cerr << "oneai bench: " << e.what() << "\n(see oneai bench --help)\n";
        return exit_usage;
    }
    if (b.show_help) {
        std::cout << bench_usage();
        return exit_ok;
    }
    const bool use_emulator = args.use_emulator || b.use_emulator;
    if (!use_emulator && (!b.emulator_latency.empty() || b.emulator_workers > 0)) {
        std::cerr << "oneai bench: --emulator-latency and --emulator-workers go with --emulator\n";
        return exit_usage;
    }
    options client_options = args.client_options;
    std::unique_ptr<emulator::embedded_server> local;
    if (use_emulator) {
        emulator::config cfg;
        cfg.port = 0;
        cfg.latency = emulator::latency_model::fixed(std::chrono::milliseconds(300));
        try {
            if (!b.emulator_latency.empty())
                cfg.latency = emulator::latency_model::parse(b.emulator_latency);
        } catch (const std::invalid_argument& e) {
            std::cerr << "oneai bench: --emulator-latency: " << e.what() << "\n";
            return exit_usage;
        }
        if (b.emulator_workers > 0)
            cfg.workers = b.emulator_workers;
        local = std::make_unique<emulator::embedded_server>(cfg);
        client_options.base_url = local->base_url();
        if (client_options.api_key.empty())
            client_options.api_key = "emulator";
    }
    if (b.connections > 0)
        client_options.max_connections_per_host = b.connections;
    if (b.load.label.empty())
        b.load.label = default_label(args);

    asio::io_context io{1};
    client c(io.get_executor(), client_options);
    const bool live = b.progress == "always" || (b.progress == "auto" && ::isatty(STDERR_FILENO));
    live_view view;
    if (live)
        b.load.on_progress = [&view](const load::load_report& so_far, std::size_t in_flight) {
            view.show(so_far, in_flight);
        };

    // SIGINT or SIGTERM: stop starting tasks and finish those in flight; a
    // second: abandon them. The report is written either way.
    asio::cancellation_signal cancel;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    bool interrupted = false, finished = false;
    std::function<void()> listen = [&] {
        signals.async_wait([&](error_code ec, int) {
            if (ec || finished)
                return;
            interrupted = true;
            cancel.emit(asio::cancellation_type::partial);
            listen();
        });
    };
    listen();

    load::load_generator generator{c};
    error_code run_ec;
    load::load_report report;
    generator.async_run(b.load, asio::bind_cancellation_slot(
                                    cancel.slot(), [&](error_code ec, load::load_report r) {
                                        run_ec = ec;
                                        report = std::move(r);
                                        finished = true;
                                        signals.cancel();
                                    }));
    io.run();
    if (live)
        view.close();

    int status = exit_ok;
    if (!b.report_path.empty() &&
        !write_file(b.report_path, boost::json::serialize(report.to_json()) + "\n", "report"))
        status = exit_io_error;
    if (!b.html_path.empty() && !write_file(b.html_path, load::render_html(report), "HTML report"))
        status = exit_io_error;
    std::cout << load::summary_text(report);
    bool missed = false;
    for (const auto& t : b.thresholds) {
        const auto verdict = t.evaluate(report);
        std::cout << "threshold " << verdict.description << "\n";
        missed = missed || !verdict.passed;
    }
    std::cout << std::flush;
    if (!std::cout)
        status = exit_io_error;
    if (interrupted || run_ec == asio::error::operation_aborted)
        return exit_interrupted;
    if (status != exit_ok)
        return status;
    return missed ? exit_threshold_missed : exit_ok;
}

} // namespace oneai::cli
