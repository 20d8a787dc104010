#include "batch_command.hpp"

#include "batch_arguments.hpp"
#include "batch_files.hpp"
#include "batch_input.hpp"
#include "exit_codes.hpp"
#include "output_file.hpp"
#include "progress_display.hpp"

#include <oneai/batch_engine.hpp>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <unistd.h>
#include <variant>

namespace oneai::cli {
namespace {

namespace asio = boost::asio;

// The exit status of a batch stopped by a signal: 128 + the signal, as shells report.
int exit_for_signal(int signal) {
    return signal == SIGINT ? exit_interrupted : 128 + signal;
}

// Where a line's "file" may point: under the input's folder, or under --files-under.
file_rules rules_for(const batch_arguments& args) {
    namespace fs = std::filesystem;
    file_rules rules;
    std::error_code ec;
    rules.base = args.input_path == "-" ? fs::current_path(ec)
                                        : fs::absolute(args.input_path, ec).parent_path();
    for (const auto& dir : args.files_under)
        rules.also_under.push_back(fs::absolute(dir, ec));
    return rules;
}

} // namespace

int run_batch_command(const arguments& global, asio::io_context& io) {
    batch_arguments args;
    try {
        args = parse_batch_arguments(global.rest);
    } catch (const std::invalid_argument& e) {
        std::cerr << "oneai batch: " << e.what() << "\n(see oneai batch --help)\n";
        return exit_usage;
    }
    if (args.show_help) {
        std::cout << batch_usage();
        return exit_ok;
    }
    args.options.polling = global.client_options.polling;
    args.options.resubmit_unknown = args.options.resubmit_unknown && args.resume;
    args.options.journal = args.resume      ? journal_mode::resume
                           : args.overwrite ? journal_mode::overwrite
                                            : journal_mode::fresh;

    options copts = global.client_options;
    if (args.connections)
        copts.max_connections_per_host = args.connections;
    args.options.max_concurrent_polls = copts.max_connections_per_host * 2;
    args.options.typed_results = false; // each result is written out as the service sent it
    // One home for 429s: the engine waits them out and adapts its limit, without limit.
    copts.retries.retry_rate_limited = false;
    // The budget bounds retries of failures across every request of the batch.
    copts.retries.budget = std::make_shared<retry_budget>(200, 0.2);
    // Each item is bounded by --task-timeout, the run by --timeout: not each request.
    copts.task_deadline = std::chrono::milliseconds{0};
    client c(io.get_executor(), copts);

    // Files: checked before anything is opened for writing, then locked.
    std::unique_ptr<batch_input> input;
    std::unique_ptr<output_file> out;
    std::unique_ptr<batch_engine> engine;
    common::histogram latency;
    std::uint64_t polls = 0;
    std::uint64_t earlier_not_completed = 0; // FAILED, INVALID, UNKNOWN lines of earlier runs
    try {
        input = std::make_unique<batch_input>(args.input_path, args.shard_index, args.shard_count,
                                              rules_for(args));
        refuse_same_files(args.input_path, input->identity(), args.output_path, args.journal_path);
        if (!args.resume && !args.overwrite)
            refuse_earlier_batch(args.output_path, args.journal_path);
        out = std::make_unique<output_file>(args.output_path);
        // Outcomes are buffered and written once per event-loop turn, before the
        // journal records them.
        args.options.flush_sink = [&out](bool durable) { durable ? out->sync() : out->flush(); };
        auto sink = [&](batch_outcome&& o) {
            if (o.what == batch_outcome::kind::invalid)
                std::cerr << "oneai batch: " << o.diag.message << "\n";
            latency.record(static_cast<std::uint64_t>(o.total_ms * 1000));
            polls += o.polls;
            // Throws: the engine stops, the journal stays right.
            out->append([&o](std::string& buffer) { append_outcome(buffer, o); });
        };
        // Opens, locks and checks the journal before the output is touched.
        std::visit(
            [&](auto from) {
                engine = std::make_unique<batch_engine>(c, args.options, std::move(from), sink);
            },
            input->source(io.get_executor()));
        if (args.overwrite)
            out->start_over(); // only now: every lock is held
        if (input->rewindable()) {
            std::optional<std::uint64_t> changed;
            args.options.expected_total = input->scan([&](std::uint64_t index, std::uint64_t fp) {
                if (!changed && engine->recorded_differently(index, fp))
                    changed = index;
            });
            if (changed)
                throw std::invalid_argument(
                    "input line " + std::to_string(*changed + 1) +
                    " differs from the line the journal recorded; restore the input, or start "
                    "over with --overwrite");
        }
        if (args.resume && !args.output_path.empty()) {
            auto recovered = out->recover(!args.options.resubmit_unknown);
            if (auto missing = engine->finished_but_missing(recovered.indexes))
                throw std::invalid_argument(
                    "the journal says input line " + std::to_string(*missing + 1) +
                    " is finished, but the output '" + args.output_path +
                    "' lacks its line (was it deleted or cut?); restore it, or start over with "
                    "--overwrite");
            earlier_not_completed = recovered.not_completed;
            engine->skip(recovered.indexes);
        }
    } catch (const std::exception& e) { // common::file_locked included: it names the PID
        std::cerr << "oneai batch: " << e.what() << "\n";
        return exit_usage;
    }
    const std::optional<std::uint64_t> total = args.options.expected_total;
    // The progress with an ETA, when the total is known (a pipe's is not).
    auto shown = [&](batch_progress p) {
        if (total && p.per_second > 0) {
            const double left = static_cast<double>(*total) -
                                static_cast<double>(p.completed + p.failed + p.skipped);
            p.eta =
                std::chrono::seconds(static_cast<long long>(std::max(0.0, left) / p.per_second));
        }
        return p;
    };

    const bool tty = ::isatty(STDERR_FILENO) != 0;
    const progress_mode mode = args.progress == "never"           ? progress_mode::none
                               : args.progress == "always" || tty ? progress_mode::bar
                                                                  : progress_mode::lines;
    asio::steady_timer ticker(io);
    bool done = false;
    std::function<void()> tick = [&] {
        ticker.expires_after(mode == progress_mode::bar ? std::chrono::milliseconds(250)
                                                        : std::chrono::seconds(5));
        ticker.async_wait([&](error_code ec) {
            if (ec || done)
                return;
            if (mode == progress_mode::bar)
                std::cerr << "\r" << progress_bar(shown(engine->progress()), total) << "\033[K"
                          << std::flush;
            else if (mode == progress_mode::lines)
                std::cerr << progress_line(shown(engine->progress()), total) << "\n";
            tick();
        });
    };

    // Signals: the first Ctrl-C drains, a second stops now; SIGTERM and SIGHUP
    // (orchestrators) stop now. Stopping now keeps every task valid for --resume.
    int stopped_by = 0;
    int interrupts = 0;
    asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    std::function<void()> on_signal = [&] {
        signals.async_wait([&](error_code ec, int signal) {
            if (ec || done)
                return;
            if (!stopped_by || signal != SIGINT)
                stopped_by = signal;
            if (signal == SIGINT && ++interrupts == 1) {
                std::cerr << "\noneai batch: stopping; draining " << engine->progress().in_flight
                          << " tasks in flight (Ctrl-C again to stop now)\n";
                engine->stop(true);
            } else {
                std::cerr << "\noneai batch: stopping now (" << ::strsignal(signal)
                          << "); --resume will finish the job\n";
                engine->stop(false);
            }
            on_signal();
        });
    };
    on_signal();

    bool timed_out = false;
    asio::steady_timer run_deadline(io);
    if (global.timeout_given) {
        run_deadline.expires_after(global.client_options.task_deadline);
        run_deadline.async_wait([&](error_code ec) {
            if (ec || done)
                return;
            timed_out = true;
            std::cerr << "\noneai batch: --timeout reached; stopping now, --resume will finish "
                         "the job\n";
            engine->stop(false);
        });
    }
    if (mode != progress_mode::none)
        tick();

    error_code end;
    batch_summary summary;
    std::cerr << "oneai batch: started (PID " << ::getpid() << ")\n";
    engine->async_run([&](error_code ec, batch_summary s) {
        end = ec;
        summary = std::move(s);
        done = true;
        ticker.cancel();
        // Done: signals get their default action again. Something may still keep
        // io.run() going (a DNS lookup that cannot be stopped), and Ctrl-C or
        // SIGTERM must then end the process rather than be swallowed.
        signals.clear();
        signals.cancel();
        run_deadline.cancel();
        input->cancel();
    });
    try {
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "\noneai batch: " << e.what() << "\n";
        return exit_transport;
    }
    if (mode == progress_mode::bar)
        std::cerr << "\r" << progress_bar(summary.progress, total) << "\033[K\n";
    print_summary(std::cerr, summary.progress, {latency, polls});
    if (end == errc::output_failed) {
        std::cerr << "oneai batch: " << summary.message
                  << "\noneai batch: stopped; the journal is consistent: --resume continues\n";
        return exit_io_error;
    }
    if (end == errc::invalid_argument) {
        std::cerr << "oneai batch: " << summary.message << "\n";
        return exit_usage;
    }
    if (stopped_by) {
        std::cerr << "oneai batch: interrupted; finish with the same command and --resume\n";
        return exit_for_signal(stopped_by);
    }
    if (timed_out)
        return exit_transport;
    // The whole batch's state, not just this run's: a resume that retried
    // nothing still leaves the failures of earlier runs in the output.
    if (earlier_not_completed > 0)
        std::cerr << "oneai batch: " << earlier_not_completed
                  << " items of earlier runs did not complete (see the output)\n";
    return summary.progress.failed > 0 || earlier_not_completed > 0 ? exit_task_failed : exit_ok;
}

} // namespace oneai::cli
