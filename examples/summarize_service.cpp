// summarize_service: a small HTTP service that summarizes text through One AI,
// with one oneai::client shared by every thread of its io_context.
//
//   POST /summarize  body: plain text, or JSON {"text": "..."}
//                    200 {"summary": "...", "task_id": "..."}
//                    400 without text; 503 with Retry-After when too much work
//                    is in flight; 504 past the per-request deadline; 502 when
//                    One AI fails
//   GET  /metrics    the client's counters and the service's own, in the
//                    Prometheus text format
//
// When the HTTP client disconnects while its summary is being made, the One AI
// run is cancelled (the task is no longer polled) and that is logged.
//
//   summarize_service --emulator                   an embedded emulator, offline
//   ONEAI_API_KEY=... summarize_service            the real service
//                                                  (ONEAI_BASE_URL overrides its URL)
//   flags: --port N (8080; 0 picks one) --threads N (4) --max-in-flight N (64)
//          --deadline SECONDS (30) --address A (127.0.0.1)
//
// It logs "listening on http://ADDRESS:PORT" on stderr once it accepts.

#include <oneai.hpp>
#include <oneai/emulator/embedded_server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// ---------------------------------------------------------------- settings

struct settings {
    bool emulator = false;
    std::string address = "127.0.0.1";
    unsigned short port = 8080;
    unsigned threads = 4;
    unsigned max_in_flight = 64;
    std::chrono::milliseconds deadline{std::chrono::seconds(30)};
};

const char* usage = "usage: summarize_service [--emulator] [--address A] [--port N] "
                    "[--threads N] [--max-in-flight N] [--deadline SECONDS]\n";

unsigned parse_count(std::string_view flag, std::string_view text, unsigned min, unsigned max) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max)
        throw std::invalid_argument(std::string(flag) + " wants a whole number from " +
                                    std::to_string(min) + " to " + std::to_string(max) + ", not '" +
                                    std::string(text) + "'");
    return value;
}

std::chrono::milliseconds parse_seconds(std::string_view flag, std::string_view text) {
    double seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc{} || end != text.data() + text.size() || !(seconds > 0) || seconds > 86400)
        throw std::invalid_argument(std::string(flag) + " wants seconds (0 < s <= 86400), not '" +
                                    std::string(text) + "'");
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

/// Throws std::invalid_argument with the reason for bad flags.
settings parse_settings(int argc, char** argv) {
    settings s;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--emulator") {
            s.emulator = true;
            continue;
        }
        if (i + 1 >= argc)
            throw std::invalid_argument("unknown flag or missing value: " + std::string(flag));
        const std::string_view value = argv[++i];
        if (flag == "--address")
            s.address = value;
        else if (flag == "--port")
            s.port = static_cast<unsigned short>(parse_count(flag, value, 0, 65535));
        else if (flag == "--threads")
            s.threads = parse_count(flag, value, 1, 256);
        else if (flag == "--max-in-flight")
            s.max_in_flight = parse_count(flag, value, 1, 1'000'000);
        else if (flag == "--deadline")
            s.deadline = parse_seconds(flag, value);
        else
            throw std::invalid_argument("unknown flag: " + std::string(flag));
    }
    return s;
}

// ---------------------------------------------------------------- logging

/// One line on stderr at a time: handlers log from several threads.
void log_line(const std::string& line) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::cerr << line << std::endl;
}

// ---------------------------------------------------------------- the service

struct service_counters {
    std::atomic<std::uint64_t> requests{0};    // POST /summarize received
    std::atomic<std::uint64_t> summarized{0};  // answered 200
    std::atomic<std::uint64_t> rejected{0};    // answered 503: too much in flight
    std::atomic<std::uint64_t> disconnects{0}; // runs cancelled: the HTTP client left
    std::atomic<std::uint64_t> deadlines{0};   // answered 504
    std::atomic<std::uint64_t> failures{0};    // answered 502
    std::atomic<std::int64_t> in_flight{0};    // summaries being made now
};

struct service {
    service(const settings& cfg, oneai::client& c) : config(cfg), client(c) {}
    const settings& config;
    oneai::client& client;
    oneai::pipeline pipeline = oneai::pipeline{}.summarize();
    service_counters counters;
};

/// A place among the summaries in flight, given back when it goes out of
/// scope. Empty when the cap is reached.
class in_flight_slot {
  public:
    static std::optional<in_flight_slot> take(service& s) {
        if (++s.counters.in_flight > static_cast<std::int64_t>(s.config.max_in_flight)) {
            --s.counters.in_flight;
            return std::nullopt;
        }
        return in_flight_slot(s);
    }
    in_flight_slot(in_flight_slot&& other) noexcept : s_(std::exchange(other.s_, nullptr)) {}
    in_flight_slot& operator=(in_flight_slot&&) = delete;
    ~in_flight_slot() {
        if (s_)
            --s_->counters.in_flight;
    }

  private:
    explicit in_flight_slot(service& s) : s_(&s) {}
    service* s_;
};

// ---------------------------------------------------------------- responses

http_response make_response(const http_request& req, http::status status, std::string body,
                            std::string_view content_type) {
    http_response res{status, req.version()};
    res.set(http::field::content_type, content_type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

http_response json_error(const http_request& req, http::status status, std::string message) {
    json::object body{{"error", std::move(message)}};
    return make_response(req, status, json::serialize(body), "application/json");
}

http_response too_busy(const http_request& req) {
    auto res = json_error(req, http::status::service_unavailable, "too many requests in flight");
    res.set(http::field::retry_after, "1");
    return res;
}

std::optional<std::string> text_in_json(std::string_view body) {
    boost::system::error_code ec;
    const json::value v = json::parse(body, ec);
    if (ec || !v.is_object())
        return std::nullopt;
    const json::value* text = v.as_object().if_contains("text");
    if (!text || !text->is_string() || text->as_string().empty())
        return std::nullopt;
    return std::string(text->as_string());
}

/// The text to summarize: a JSON body's "text", or a plain body as it is.
std::optional<std::string> text_of(const http_request& req) {
    if (req[http::field::content_type].starts_with("application/json"))
        return text_in_json(req.body());
    if (req.body().empty())
        return std::nullopt;
    return req.body();
}

// ---------------------------------------------------------------- /metrics

void add_metric(std::ostream& out, std::string_view name, std::string_view type,
                std::string_view help, std::uint64_t value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
        << name << ' ' << value << '\n';
}

/// The client's counters (a snapshot, safe from any thread) and the service's own.
std::string prometheus_text(const service& s) {
    const oneai::client_counters c = s.client.counters();
    std::ostringstream out;
    add_metric(out, "oneai_requests_total", "counter", "HTTP requests the client started.",
               c.requests);
    add_metric(out, "oneai_responses_total", "counter", "HTTP responses received.", c.responses);
    add_metric(out, "oneai_transport_errors_total", "counter",
               "Requests that ended without a response.", c.transport_errors);
    add_metric(out, "oneai_retries_total", "counter", "Requests retried.", c.retries);
    add_metric(out, "oneai_submits_total", "counter", "Tasks accepted by One AI.", c.submits);
    add_metric(out, "oneai_polls_total", "counter", "Task status requests.", c.polls);
    add_metric(out, "oneai_completed_total", "counter", "Waits that ended COMPLETED.", c.completed);
    add_metric(out, "oneai_failed_total", "counter", "Waits that ended FAILED.", c.failed);
    add_metric(out, "oneai_rate_limited_total", "counter", "429 answers.", c.rate_limited);
    add_metric(out, "oneai_connections_opened_total", "counter", "Connections opened.",
               c.connections_opened);
    add_metric(out, "oneai_connections_reused_total", "counter",
               "Requests on a kept-alive connection.", c.connections_reused);
    add_metric(out, "oneai_in_flight", "gauge", "Client operations running now.", c.in_flight);

    const service_counters& own = s.counters;
    add_metric(out, "summarize_requests_total", "counter", "POST /summarize requests.",
               own.requests);
    add_metric(out, "summarize_succeeded_total", "counter", "Summaries answered.", own.summarized);
    add_metric(out, "summarize_rejected_total", "counter",
               "Requests answered 503: too many in flight.", own.rejected);
    add_metric(out, "summarize_disconnects_total", "counter",
               "Runs cancelled because the HTTP client disconnected.", own.disconnects);
    add_metric(out, "summarize_deadline_exceeded_total", "counter", "Requests answered 504.",
               own.deadlines);
    add_metric(out, "summarize_failures_total", "counter", "Requests answered 502.", own.failures);
    add_metric(out, "summarize_in_flight", "gauge", "Summaries being made now.",
               static_cast<std::uint64_t>(own.in_flight.load()));
    return out.str();
}

// ---------------------------------------------------------------- /summarize

/// The pipeline on `text`, bounded by the per-request deadline.
asio::awaitable<std::tuple<oneai::error_code, oneai::result>>
run_summary(service& s, std::string text, oneai::diagnostics& diag) {
    auto ex = co_await asio::this_coro::executor;
    oneai::input in = oneai::text_input{std::move(text)};
    auto token = oneai::with_deadline(ex, s.config.deadline, use_tuple);
    co_return co_await s.client.async_run(s.pipeline, std::move(in), diag, std::move(token));
}

/// Completes when the HTTP client has closed or reset its connection. Bytes
/// of a pipelined request are no disconnect: the watch then just waits (to be
/// cancelled when the summary is done).
asio::awaitable<void> wait_for_disconnect(tcp::socket& socket) {
    auto [ec] = co_await socket.async_wait(tcp::socket::wait_read, use_tuple);
    if (ec == asio::error::operation_aborted)
        co_return; // the summary was done first
    char byte = 0;
    boost::system::error_code peek_ec;
    const auto n = socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, peek_ec);
    if (!ec && !peek_ec && n > 0) {
        asio::steady_timer until_cancelled(socket.get_executor(),
                                           asio::steady_timer::time_point::max());
        co_await until_cancelled.async_wait(use_tuple);
    }
}

http_response answer_run(service& s, const http_request& req, oneai::error_code ec,
                         const oneai::result& r, const oneai::diagnostics& diag) {
    if (!ec) {
        ++s.counters.summarized;
        json::object body{{"summary", r.summary().value_or("")}, {"task_id", diag.task_id}};
        return make_response(req, http::status::ok, json::serialize(body), "application/json");
    }
    if (ec == oneai::errc::deadline_exceeded) {
        ++s.counters.deadlines;
        log_line("summarize: deadline passed (task " + diag.task_id + ")");
        return json_error(req, http::status::gateway_timeout, "the summary took too long");
    }
    if (ec == oneai::errc::client_shutdown)
        return too_busy(req);
    ++s.counters.failures;
    log_line("summarize: failed: " + ec.message() + ": " + diag.to_string());
    return json_error(req, http::status::bad_gateway, ec.message());
}

/// nullopt: the HTTP client is gone, nothing to answer.
asio::awaitable<std::optional<http_response>> summarize(service& s, const http_request& req,
                                                        tcp::socket& socket) {
    ++s.counters.requests;
    auto text = text_of(req);
    if (!text)
        co_return json_error(req, http::status::bad_request,
                             "send text, or JSON {\"text\": \"...\"}");
    auto slot = in_flight_slot::take(s);
    if (!slot) {
        ++s.counters.rejected;
        log_line("summarize: rejected, " + std::to_string(s.config.max_in_flight) +
                 " in flight already");
        co_return too_busy(req);
    }
    log_line("summarize: started, " + std::to_string(s.counters.in_flight.load()) + " in flight");

    // Whichever ends first cancels the other, and both have ended here: after
    // a disconnect, the run is over (and its task no longer polled).
    oneai::diagnostics diag;
    auto outcome = co_await (run_summary(s, std::move(*text), diag) || wait_for_disconnect(socket));
    if (outcome.index() == 1) {
        ++s.counters.disconnects;
        log_line("summarize: client disconnected, cancelled the One AI run (task " +
                 (diag.task_id.empty() ? std::string("not submitted") : diag.task_id) + ")");
        co_return std::nullopt;
    }
    auto& [ec, r] = std::get<0>(outcome);
    co_return answer_run(s, req, ec, r, diag);
}

// ---------------------------------------------------------------- HTTP

asio::awaitable<std::optional<http_response>> respond(service& s, const http_request& req,
                                                      tcp::socket& socket) {
    if (req.target() == "/summarize") {
        if (req.method() != http::verb::post)
            co_return json_error(req, http::status::method_not_allowed, "POST /summarize");
        co_return co_await summarize(s, req, socket);
    }
    if (req.target() == "/metrics" && req.method() == http::verb::get)
        co_return make_response(req, http::status::ok, prometheus_text(s),
                                "text/plain; version=0.0.4");
    co_return json_error(req, http::status::not_found, "POST /summarize or GET /metrics");
}

/// One HTTP connection, request after request, on a strand of its own.
asio::awaitable<void> serve_connection(service& s, beast::tcp_stream stream) {
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(1024 * 1024);
        stream.expires_after(std::chrono::seconds(60)); // idle keep-alive
        auto [read_ec, read_n] = co_await http::async_read(stream, buffer, parser, use_tuple);
        if (read_ec)
            break;              // closed, idle too long, or not HTTP
        stream.expires_never(); // the summary has its own deadline
        const http_request req = parser.release();
        auto res = co_await respond(s, req, stream.socket());
        if (!res)
            break;
        stream.expires_after(std::chrono::seconds(60));
        auto [write_ec, write_n] = co_await http::async_write(stream, *res, use_tuple);
        if (write_ec || !res->keep_alive())
            break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_connections(service& s, tcp::acceptor& acceptor) {
    for (;;) {
        // Each connection's socket is on a strand: its coroutine may resume on
        // any thread, never on two at once.
        auto [ec, socket] =
            co_await acceptor.async_accept(asio::make_strand(acceptor.get_executor()), use_tuple);
        if (ec == asio::error::operation_aborted || !acceptor.is_open())
            co_return;
        if (ec)
            continue; // out of descriptors, say: the next accept may work
        auto ex = socket.get_executor();
        asio::co_spawn(ex, serve_connection(s, beast::tcp_stream(std::move(socket))),
                       asio::detached);
    }
}

// ---------------------------------------------------------------- main

/// The client's options: the embedded emulator, or the environment's service.
oneai::options client_options(const oneai::emulator::embedded_server* emu) {
    oneai::options opts;
    opts.thread_safe = true; // shared by the handlers of every thread
    if (emu) {
        opts.base_url = emu->base_url();
        opts.api_key = "example-key";
        return opts;
    }
    if (const char* url = std::getenv("ONEAI_BASE_URL"))
        opts.base_url = url;
    if (!std::getenv("ONEAI_API_KEY"))
        throw std::invalid_argument("set ONEAI_API_KEY (or pass --emulator)");
    return opts; // the client reads the key from the environment
}

int main(int argc, char** argv) {
    settings cfg;
    std::unique_ptr<oneai::emulator::embedded_server> emu;
    std::optional<oneai::options> opts;
    try {
        cfg = parse_settings(argc, argv);
        if (cfg.emulator) {
            oneai::emulator::config emulator_cfg;
            emulator_cfg.port = 0;
            emu = std::make_unique<oneai::emulator::embedded_server>(emulator_cfg);
        }
        opts = client_options(emu.get());
    } catch (const std::exception& e) {
        std::cerr << "summarize_service: " << e.what() << "\n" << usage;
        return 2;
    }

    asio::io_context io(static_cast<int>(cfg.threads));
    oneai::client client{io.get_executor(), *opts};
    service s{cfg, client};

    tcp::acceptor acceptor(io);
    try {
        const tcp::endpoint where(asio::ip::make_address(cfg.address), cfg.port);
        acceptor.open(where.protocol());
        acceptor.set_option(asio::socket_base::reuse_address(true));
        acceptor.bind(where);
        acceptor.listen();
    } catch (const std::exception& e) {
        std::cerr << "summarize_service: cannot listen on " << cfg.address << ":" << cfg.port
                  << ": " << e.what() << "\n";
        return 1;
    }
    asio::co_spawn(io, accept_connections(s, acceptor), asio::detached);

    asio::signal_set stop_signals(io, SIGINT, SIGTERM);
    stop_signals.async_wait([&](boost::system::error_code ec, int) {
        if (ec)
            return;
        log_line("stopping");
        client.shutdown(); // runs under way end with client_shutdown (503)
        io.stop();
    });

    const auto local = acceptor.local_endpoint();
    log_line("listening on http://" + local.address().to_string() + ":" +
             std::to_string(local.port()));
    std::vector<std::jthread> threads;
    for (unsigned i = 1; i < cfg.threads; ++i)
        threads.emplace_back([&io] { io.run(); });
    io.run();
    return 0;
}
