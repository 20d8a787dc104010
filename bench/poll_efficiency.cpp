// How well polling predicts completion, measured on the seeded emulator (the
// same tasks, the same service times, for every policy) by a batch of real
// tasks, from the emulator's own counts: polls per finished task and the mean
// detection delay (completion to the poll that sees it).
//
//  1. Mixed workload: documents of 5 to 5,000 words (log-uniform), service
//     time lognormal:300ms,0.3 plus 5 ms a word. Adaptive against fixed 1 s;
//     target: at most 0.4x the polls, a mean delay no worse.
//  2. One log-normal (median 3 s, sigma 0.8). Adaptive against fixed 1 s, and
//     against the best schedule for the true distribution (dynamic
//     programming) at adaptive's measured delay; target: within 10% on polls.
//
// Usage: poll_efficiency [documents] [concurrency]

#include <oneai.hpp>
#include <oneai/batch_engine.hpp>
#include <oneai/emulator/embedded_server.hpp>

#include "client/polling/poll_plan.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

struct measured {
    double polls_per_task = 0;
    double delay_ms = 0;
    double seconds = 0;
};

std::string words(std::size_t n, std::mt19937_64& rng) {
    static const char* vocabulary[] = {"board",  "report",   "London", "team",   "quarter",
                                       "growth", "customer", "market", "review", "plan"};
    std::string text;
    for (std::size_t i = 0; i < n; ++i) {
        text += vocabulary[rng() % 10];
        text += i + 1 < n ? ' ' : '.';
    }
    return text;
}

measured run(const std::string& latency, const std::vector<std::string>& texts,
             oneai::poll_policy policy, std::size_t concurrency) {
    oneai::emulator::config cfg;
    cfg.port = 0;
    cfg.workers = 0;
    cfg.seed = 42;
    cfg.latency = oneai::emulator::latency_model::parse(latency);
    oneai::emulator::embedded_server server(cfg);

    asio::io_context io;
    oneai::options opts;
    opts.base_url = server.base_url();
    opts.api_key = "bench";
    opts.max_connections_per_host = 64;
    oneai::client c(io.get_executor(), opts);
    oneai::batch_options b;
    b.pipeline = oneai::pipeline{}.summarize();
    b.concurrency = concurrency;
    b.polling = policy;
    b.max_concurrent_polls = 128;
    std::vector<oneai::input> inputs;
    for (const auto& t : texts)
        inputs.push_back(oneai::text_input{t});
    std::size_t completed = 0;
    oneai::batch_engine engine(c, b, oneai::source_from_range(inputs),
                               [&](oneai::batch_outcome&& o) {
                                   completed += o.what == oneai::batch_outcome::kind::completed;
                               });
    const auto started = std::chrono::steady_clock::now();
    engine.async_run([](oneai::error_code, oneai::batch_summary) {});
    io.run();
    measured m;
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    auto stats = boost::json::parse(server.stats_json());
    m.polls_per_task = stats.at("polls_per_finished_task").to_number<double>();
    m.delay_ms = stats.at("detection_delay_ms").at("mean").to_number<double>();
    if (completed != texts.size())
        std::fprintf(stderr, "warning: %zu of %zu completed\n", completed, texts.size());
    return m;
}

void print(const char* name, const measured& m) {
    std::printf("  %-28s polls/task %5.2f   mean detection delay %6.0f ms   wall %5.1f s\n", name,
                m.polls_per_task, m.delay_ms, m.seconds);
}

} // namespace

int main(int argc, char** argv) {
    const std::size_t documents = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000;
    const std::size_t concurrency = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 200;
    const auto fixed_1s = oneai::poll_policy::scheduled(oneai::backoff::constant(1s));
    const auto adaptive = oneai::poll_policy::adaptive();

    std::mt19937_64 rng(7);
    std::vector<std::string> mixed;
    for (std::size_t i = 0; i < documents; ++i) {
        const double w =
            std::exp(std::uniform_real_distribution<double>(std::log(5.0), std::log(5000.0))(rng));
        mixed.push_back(words(static_cast<std::size_t>(w), rng));
    }
    std::printf("1. mixed workload: %zu documents of 5..5000 words, lognormal:300ms,0.3+5ms/word, "
                "%zu in flight\n",
                documents, concurrency);
    const auto mixed_fixed = run("lognormal:300ms,0.3+5ms/word", mixed, fixed_1s, concurrency);
    const auto mixed_adaptive = run("lognormal:300ms,0.3+5ms/word", mixed, adaptive, concurrency);
    print("fixed 1 s", mixed_fixed);
    print("adaptive", mixed_adaptive);
    std::printf("  ratio polls adaptive/fixed: %.2f (target <= 0.40); delay %s fixed's\n",
                mixed_adaptive.polls_per_task / mixed_fixed.polls_per_task,
                mixed_adaptive.delay_ms <= mixed_fixed.delay_ms ? "no worse than" : "WORSE than");

    std::vector<std::string> same(documents, "The board met in London to review the quarter.");
    std::printf("\n2. one log-normal: median 3 s, sigma 0.8, %zu documents, %zu in flight\n",
                documents, concurrency);
    const auto one_fixed = run("lognormal:3s,0.8", same, fixed_1s, concurrency);
    const auto one_adaptive = run("lognormal:3s,0.8", same, adaptive, concurrency);
    print("fixed 1 s", one_fixed);
    print("adaptive", one_adaptive);
    const oneai::detail::service_time_estimate truth{3000, 0.8};
    const auto optimum = oneai::detail::plan_polls(
        truth, std::chrono::milliseconds(static_cast<long long>(one_adaptive.delay_ms)),
        {adaptive.floor, adaptive.ceiling});
    std::printf("  optimum for the true distribution at %.0f ms mean delay: %.2f polls/task\n",
                optimum.expected_delay_ms, optimum.expected_polls);
    std::printf("  ratio polls adaptive/optimum: %.2f (target <= 1.10); adaptive/fixed: %.2f\n",
                one_adaptive.polls_per_task / optimum.expected_polls,
                one_adaptive.polls_per_task / one_fixed.polls_per_task);
    return 0;
}
