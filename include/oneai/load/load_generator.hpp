#pragma once

#include <oneai/client.hpp>
#include <oneai/config.hpp>
#include <oneai/load/load_options.hpp>
#include <oneai/load/load_report.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>

/// @namespace oneai::load
/// The load generator behind `oneai bench`: it drives a service with tasks and
/// measures them, with reports that merge, round-trip through JSON, and are
/// checked against thresholds.
namespace oneai::load {

/// Drives a One AI service (or the emulator) with tasks and measures them, on
/// an existing client and its poll scheduler. Latency is honest: in open loop
/// every task is timed from its intended start, so a stalled service cannot
/// hide behind a generator that waited for it (the "coordinated omission"
/// correction).
///
///     oneai::load::load_generator g{client};
///     oneai::load::load_options o;
///     o.pipeline = oneai::pipeline{}.summarize();
///     o.text = "...";
///     o.rate = 100;
///     o.duration = std::chrono::seconds{10};
///     auto [ec, report] = co_await g.async_run(o, asio::as_tuple(asio::use_awaitable));
///
/// Thread safety: use from the client's executor only; one run at a time per
/// generator.
class ONEAI_API load_generator {
  public:
    /// A generator on client `c`. It holds the client's state, not the
    /// object, so the client may move; a client shut down or destroyed ends
    /// the tasks of a run with its errors.
    explicit load_generator(client_base& c);

    /// Runs the load `opts` describes. Completes with
    /// `void(error_code, load_report)`: success, or operation_aborted when
    /// cancelled (the report then covers what was measured until the stop).
    /// Cancellation (bind a slot, any type) stops starting tasks; then in-flight
    /// tasks finish or are abandoned per load_options::on_cancel; a second
    /// cancellation abandons them.
    /// Throws std::invalid_argument (from load_options::check) before starting.
    template <typename Token>
    auto async_run(load_options opts, Token&& token) {
        opts.check();
        return boost::asio::async_initiate<Token, void(error_code, load_report)>(
            [this](auto h, load_options opts) {
                launch(std::move(opts),
                       boost::asio::any_completion_handler<void(error_code, load_report)>(
                           std::move(h)));
            },
            token, std::move(opts));
    }

  private:
    void launch(load_options opts,
                boost::asio::any_completion_handler<void(error_code, load_report)> h);
    std::shared_ptr<client_base::impl> client_;
};

} // namespace oneai::load
