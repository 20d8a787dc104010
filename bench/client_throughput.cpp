// Client overhead: tasks per second and client-thread CPU time per task of
// oneai::client (async_run = submit + one poll against an instant server)
// against a bare Beast coroutine loop doing the same two exchanges over the
// same number of connections, measured in the same run. Target: the client
// at >= 0.9 of the bare loop's throughput.
//
// The server must not be the bottleneck, or it hides the client's cost:
// bench/client_cpu_vs_nginx.sh runs this against nginx serving canned answers.
//
// Usage: client_throughput URL [tasks] [connections] [rounds] [both|client|bare]
// (one side alone, to profile it)

#include <boost/url/parse.hpp>
#include <oneai.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

namespace {

const std::string body =
    R"({"input":"The board met on Tuesday.","input_type":"article","output_type":"json",)"
    R"("multilingual":false,"steps":[{"skill":"keywords","params":{}}]})";

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct measurement {
    double tasks_per_second = 0;
    double cpu_us_per_task = 0;
};

template <typename Body>
measurement measure(int tasks, Body body_fn) {
    const double cpu0 = thread_cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    body_fn();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = thread_cpu_seconds() - cpu0;
    return {tasks / wall, cpu * 1e6 / tasks};
}

// The baseline: what the same work costs written directly against Beast.
asio::awaitable<void> bare_worker(asio::ip::tcp::resolver::results_type endpoints, std::string host,
                                  int count, int& done, int& failed) {
    auto ex = co_await asio::this_coro::executor;
    beast::tcp_stream stream(ex);
    co_await stream.async_connect(endpoints, asio::use_awaitable);
    stream.socket().set_option(asio::ip::tcp::no_delay(true));
    beast::flat_buffer buffer;
    for (int i = 0; i < count; ++i) {
        http::request<http::string_body> submit{http::verb::post, "/api/v0/pipeline/async", 11};
        submit.set(http::field::host, host);
        submit.set("api-key", "bench");
        submit.set(http::field::content_type, "application/json");
        submit.body() = body;
        submit.prepare_payload();
        co_await http::async_write(stream, submit, asio::use_awaitable);
        http::response<http::string_body> submitted;
        co_await http::async_read(stream, buffer, submitted, asio::use_awaitable);
        std::string id(boost::json::parse(submitted.body()).at("task_id").as_string());

        http::request<http::string_body> poll{http::verb::get, "/api/v0/pipeline/async/tasks/" + id,
                                              11};
        poll.set(http::field::host, host);
        poll.set("api-key", "bench");
        co_await http::async_write(stream, poll, asio::use_awaitable);
        http::response<http::string_body> status;
        co_await http::async_read(stream, buffer, status, asio::use_awaitable);
        auto parsed = boost::json::parse(status.body());
        (parsed.at("status") == "COMPLETED" ? done : failed)++;
    }
}

struct server_address {
    std::string url, host, port;
};

measurement run_bare(const server_address& server, int tasks, int connections) {
    asio::io_context io{1};
    asio::ip::tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(server.host, server.port);
    int done = 0, failed = 0;
    auto m = measure(tasks, [&] {
        for (int c = 0; c < connections; ++c)
            asio::co_spawn(io,
                           bare_worker(endpoints, server.host,
                                       tasks / connections + (c < tasks % connections ? 1 : 0),
                                       done, failed),
                           asio::detached);
        io.run();
    });
    if (done != tasks)
        std::fprintf(stderr, "bare loop: %d completed, %d not\n", done, failed);
    return m;
}

measurement run_client(const server_address& server, int tasks, int connections) {
    asio::io_context io{1};
    oneai::options opts;
    opts.base_url = server.url;
    opts.api_key = "bench";
    opts.max_connections_per_host = static_cast<std::size_t>(connections);
    opts.polling = oneai::poll_policy::scheduled(oneai::backoff::constant(0ms));
    opts.polling.initial_delay = 0ms; // submit, then poll at once: one poll per task
    oneai::client c(io.get_executor(), opts);
    const auto p = oneai::pipeline{}.keywords();
    int done = 0, issued = 0;
    // Keep `connections` runs in flight, like the bare loop's workers.
    std::function<void()> next = [&] {
        if (issued == tasks)
            return;
        ++issued;
        c.async_run(p, oneai::text_input{"The board met on Tuesday."},
                    [&](oneai::error_code ec, oneai::result) {
                        done += !ec;
                        next();
                    });
    };
    auto m = measure(tasks, [&] {
        for (int i = 0; i < connections; ++i)
            next();
        io.run();
    });
    if (done != tasks)
        std::fprintf(stderr, "client: %d of %d completed\n", done, tasks);
    if (c.counters().polls != static_cast<std::uint64_t>(tasks))
        std::fprintf(stderr, "client: %llu polls for %d tasks\n",
                     static_cast<unsigned long long>(c.counters().polls), tasks);
    return m;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: client_throughput URL [tasks] [connections] [rounds]\n"
                             "(bench/client_cpu_vs_nginx.sh starts the server and runs it)\n");
        return 2;
    }
    const auto url = boost::urls::parse_absolute_uri(argv[1]);
    if (!url || url->scheme() != "http" || url->host().empty()) {
        std::fprintf(stderr, "client_throughput: %s is not an http:// URL\n", argv[1]);
        return 2;
    }
    const server_address server{argv[1], url->host(),
                                url->has_port() ? std::string(url->port()) : "80"};
    const int tasks = argc > 2 ? std::atoi(argv[2]) : 20000;
    const int connections = argc > 3 ? std::atoi(argv[3]) : 64;
    const int rounds = argc > 4 ? std::atoi(argv[4]) : 3;
    const std::string sides = argc > 5 ? argv[5] : "both";
    if (sides == "client" || sides == "bare") {
        for (int r = 0; r < rounds; ++r) {
            const auto m = sides == "client" ? run_client(server, tasks, connections)
                                             : run_bare(server, tasks, connections);
            std::printf("%s: %.0f tasks/s, %.1f us CPU/task\n", sides.c_str(), m.tasks_per_second,
                        m.cpu_us_per_task);
        }
        return 0;
    }

    std::vector<measurement> bare, lib;
    for (int r = 0; r < rounds; ++r) { // interleaved, so drift hits both alike
        bare.push_back(run_bare(server, tasks, connections));
        lib.push_back(run_client(server, tasks, connections));
    }
    auto median = [](std::vector<measurement> v, auto field) {
        std::sort(v.begin(), v.end(),
                  [&](const auto& a, const auto& b) { return a.*field < b.*field; });
        return v[v.size() / 2].*field;
    };
    const double bare_rate = median(bare, &measurement::tasks_per_second);
    const double lib_rate = median(lib, &measurement::tasks_per_second);
    const double bare_cpu = median(bare, &measurement::cpu_us_per_task);
    const double lib_cpu = median(lib, &measurement::cpu_us_per_task);
    std::printf(
        "%d tasks (submit + one poll), %d connections, median of %d rounds, one client thread\n",
        tasks, connections, rounds);
    std::printf("  bare Beast loop: %8.0f tasks/s  %6.1f us CPU/task\n", bare_rate, bare_cpu);
    std::printf("  oneai::client:   %8.0f tasks/s  %6.1f us CPU/task\n", lib_rate, lib_cpu);
    std::printf("  throughput ratio client/bare: %.2f (target >= 0.90); CPU ratio: %.2f\n",
                lib_rate / bare_rate, lib_cpu / bare_cpu);
    return 0;
}
