// Capacity of the poll scheduler, in two parts:
//  1. memory: RSS growth per in-flight task with N tasks in flight (default
//     1,000,000) on a server that never completes them; target <= 300 bytes;
//  2. schedule: M tasks (default 100,000) really submitted to an emulator that
//     never completes them (a separate process), polled every P seconds on one
//     client thread for S seconds; reports how late polls went out.
//
// Usage: scheduler_capacity EMULATOR_PROGRAM [memory_tasks] [polled_tasks] [interval_s] [seconds]

#include <oneai.hpp>
#include <oneai/poll_scheduler.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "resident_memory.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

std::string fake_uuid(std::mt19937_64& rng) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s(36, '-');
    for (std::size_t i = 0; i < 36; ++i)
        if (i != 8 && i != 13 && i != 18 && i != 23)
            s[i] = hex[rng() % 16];
    return s;
}

int free_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

void memory_part(long tasks) {
    asio::io_context io;
    oneai::options opts;
    opts.base_url = "http://127.0.0.1:9"; // never contacted: no poll falls due
    opts.api_key = "bench";
    oneai::client c(io.get_executor(), opts);
    auto policy = oneai::poll_policy::scheduled(oneai::backoff::constant(std::chrono::hours(1)));
    std::mt19937_64 rng(1);
    std::vector<oneai::task> ids; // made first, so only what the scheduler keeps is measured
    ids.reserve(static_cast<std::size_t>(tasks));
    for (long i = 0; i < tasks; ++i)
        ids.emplace_back(fake_uuid(rng));
    const long before = oneai::bench::resident_bytes();
    {
        oneai::poll_scheduler scheduler(c, {}, [](oneai::poll_scheduler::completion&&) {});
        for (long i = 0; i < tasks; ++i)
            scheduler.add(ids[static_cast<std::size_t>(i)], static_cast<std::uint64_t>(i), policy);
        const long after = oneai::bench::resident_bytes();
        const double per_task = static_cast<double>(after - before) / static_cast<double>(tasks);
        std::printf("memory: %ld tasks in flight in the scheduler: %.0f bytes/task (RSS growth), "
                    "ratio to the "
                    "300-byte budget %.2f\n",
                    tasks, per_task, per_task / 300.0);
        scheduler.stop();
    }
}

void schedule_part(const char* emulator, long tasks, int interval_s, int seconds) {
    const int port = free_port();
    pid_t pid = ::fork();
    if (pid == 0) {
        std::string p = std::to_string(port);
        ::execl(emulator, emulator, "--port", p.c_str(), "--latency", "fixed:10h", "--workers", "0",
                (char*)nullptr);
        ::_exit(127);
    }
    std::this_thread::sleep_for(500ms);

    asio::io_context io;
    oneai::options opts;
    opts.base_url = "http://127.0.0.1:" + std::to_string(port);
    opts.api_key = "bench";
    opts.max_connections_per_host = 16;
    oneai::client c(io.get_executor(), opts);
    auto policy =
        oneai::poll_policy::scheduled(oneai::backoff::constant(std::chrono::seconds(interval_s)));
    oneai::poll_scheduler scheduler(c, {64, nullptr}, [](oneai::poll_scheduler::completion&&) {});

    // Submit `tasks` with 256 submits at a time, handing each to the scheduler.
    long issued = 0, accepted = 0;
    const auto p = oneai::pipeline{}.keywords();
    std::function<void()> next = [&] {
        if (issued == tasks)
            return;
        const long i = issued++;
        c.async_submit(p, oneai::text_input{"Document " + std::to_string(i) + " is waiting."},
                       [&, i](oneai::error_code ec, oneai::task t) {
                           if (!ec) {
                               ++accepted;
                               scheduler.add(t, static_cast<std::uint64_t>(i), policy);
                           }
                           next();
                       });
    };
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 256; ++i)
        next();
    asio::steady_timer end(io);
    std::function<void()> wait_for_submits = [&] {
        end.expires_after(100ms);
        end.async_wait([&](oneai::error_code) {
            if (issued < tasks || c.counters().in_flight > 0)
                return wait_for_submits();
            const double submit_s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::printf(
                "schedule: %ld tasks submitted in %.1f s; polling each every %d s for %d s\n",
                accepted, submit_s, interval_s, seconds);
            end.expires_after(std::chrono::seconds(seconds));
            end.async_wait([&](oneai::error_code) {
                auto s = scheduler.stats();
                std::printf("schedule: %zu in flight, %llu polls (%.0f/s needed, %.0f/s made); lag "
                            "p50 %.1f ms, "
                            "p99 %.1f ms, max %.1f ms (ratio of p99 to the poll interval %.4f)\n",
                            s.in_flight, static_cast<unsigned long long>(s.polls),
                            static_cast<double>(accepted) / interval_s,
                            static_cast<double>(s.polls) / (seconds + 0.0),
                            s.lag_p50.count() / 1000.0, s.lag_p99.count() / 1000.0,
                            s.lag_max.count() / 1000.0, s.lag_p99.count() / 1e6 / interval_s);
                scheduler.stop();
                c.shutdown();
            });
        });
    };
    wait_for_submits();
    io.run();
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: scheduler_capacity EMULATOR_PROGRAM [memory_tasks] "
                             "[polled_tasks] [interval_s] [seconds]\n");
        return 2;
    }
    memory_part(argc > 2 ? std::atol(argv[2]) : 1'000'000);
    schedule_part(argv[1], argc > 3 ? std::atol(argv[3]) : 100'000,
                  argc > 4 ? std::atoi(argv[4]) : 10, argc > 5 ? std::atoi(argv[5]) : 30);
    return 0;
}
