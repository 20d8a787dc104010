#include <oneai/emulator/command_line.hpp>

#include "common/duration_text.hpp"

#include <charconv>
#include <functional>
#include <map>
#include <stdexcept>

namespace oneai::emulator {
namespace {

template <typename Number>
Number parse_number(std::string_view flag, std::string_view text, Number low, Number high) {
    Number value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < low || value > high)
        throw std::invalid_argument(std::string(flag) + ": '" + std::string(text) +
                                    "' is not a number from " + std::to_string(low) + " to " +
                                    std::to_string(high));
    return value;
}

double parse_probability(std::string_view flag, std::string_view text) {
    return parse_number<double>(flag, text, 0.0, 1.0);
}

std::size_t parse_size(std::string_view flag, std::string_view text) {
    std::size_t multiplier = 1;
    if (!text.empty() && (text.back() == 'K' || text.back() == 'M' || text.back() == 'G')) {
        multiplier = text.back() == 'K'   ? 1024
                     : text.back() == 'M' ? 1024 * 1024
                                          : 1024 * 1024 * 1024;
        text.remove_suffix(1);
    }
    return parse_number<std::size_t>(flag, text, 1, std::size_t{1} << 40) * multiplier;
}

template <typename Duration>
Duration parse_flag_duration(std::string_view flag, std::string_view text) {
    try {
        return std::chrono::duration_cast<Duration>(common::parse_duration(text));
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(flag) + ": " + e.what());
    }
}

using setter = std::function<void(config&, std::string_view flag, std::string_view value)>;

const std::map<std::string_view, setter>& value_flags() {
    static const std::map<std::string_view, setter> flags = {
        {"--address", [](config& c, auto, auto v) { c.address = v; }},
        {"--port",
         [](config& c, auto f, auto v) { c.port = parse_number<std::uint16_t>(f, v, 0, 65535); }},
        {"--workers", [](config& c, auto f,
                         auto v) { c.workers = parse_number<std::size_t>(f, v, 0, 100'000'000); }},
        {"--latency",
         [](config& c, auto f, auto v) {
             try {
                 c.latency = latency_model::parse(v);
             } catch (const std::invalid_argument& e) {
                 throw std::invalid_argument(std::string(f) + ": " + e.what());
             }
         }},
        {"--ttl", [](config& c, auto f,
                     auto v) { c.ttl = parse_flag_duration<std::chrono::milliseconds>(f, v); }},
        {"--api-key",
         [](config& c, auto f, auto v) {
             if (v.empty())
                 throw std::invalid_argument(std::string(f) + ": the key must not be empty");
             c.api_keys.emplace_back(v);
         }},
        {"--max-concurrent-jobs",
         [](config& c, auto f, auto v) {
             c.max_concurrent_jobs = parse_number<std::size_t>(f, v, 0, 100'000'000);
         }},
        {"--retry-after",
         [](config& c, auto f, auto v) {
             c.retry_after = std::chrono::seconds{parse_number<long>(f, v, 0, 86400)};
         }},
        {"--retry-after-form",
         [](config& c, auto f, auto v) {
             using enum config::retry_after_format;
             if (v == "seconds")
                 c.retry_after_form = seconds;
             else if (v == "imf-date")
                 c.retry_after_form = imf_date;
             else if (v == "rfc850-date")
                 c.retry_after_form = rfc850_date;
             else if (v == "asctime-date")
                 c.retry_after_form = asctime_date;
             else
                 throw std::invalid_argument(
                     std::string(f) + ": must be seconds, imf-date, rfc850-date or asctime-date");
         }},
        {"--failed-error-in",
         [](config& c, auto f, auto v) {
             using enum config::failed_error_field;
             if (v == "both")
                 c.failed_error_in = both;
             else if (v == "error")
                 c.failed_error_in = error_only;
             else if (v == "result")
                 c.failed_error_in = result_only;
             else
                 throw std::invalid_argument(std::string(f) + ": must be both, error or result");
         }},
        {"--fault",
         [](config& c, auto f, auto v) {
             try {
                 c.faults.scheduled.push_back(scheduled_fault::parse(v));
             } catch (const std::invalid_argument& e) {
                 throw std::invalid_argument(std::string(f) + ": " + e.what());
             }
         }},
        {"--submit-status",
         [](config& c, auto f, auto v) {
             if (v != "200" && v != "202")
                 throw std::invalid_argument(std::string(f) + ": must be 200 or 202");
             c.submit_status_202 = v == "202";
         }},
        {"--seed",
         [](config& c, auto f, auto v) {
             c.seed = parse_number<std::uint64_t>(f, v, 0, UINT64_MAX);
             c.seeded_ids = true; // a reproducible run repeats its ids too
         }},
        {"--task-failure-rate",
         [](config& c, auto f, auto v) { c.faults.task_failure_rate = parse_probability(f, v); }},
        {"--http-500-rate",
         [](config& c, auto f, auto v) { c.faults.http_500_rate = parse_probability(f, v); }},
        {"--http-503-rate",
         [](config& c, auto f, auto v) { c.faults.http_503_rate = parse_probability(f, v); }},
        {"--reset-rate",
         [](config& c, auto f, auto v) { c.faults.reset_rate = parse_probability(f, v); }},
        {"--slow-rate",
         [](config& c, auto f, auto v) { c.faults.slow_rate = parse_probability(f, v); }},
        {"--slow-delay",
         [](config& c, auto f, auto v) {
             c.faults.slow_delay = parse_flag_duration<std::chrono::milliseconds>(f, v);
         }},
        {"--storm-every",
         [](config& c, auto f, auto v) {
             c.faults.storm_every = parse_flag_duration<std::chrono::milliseconds>(f, v);
         }},
        {"--storm-length",
         [](config& c, auto f, auto v) {
             c.faults.storm_length = parse_flag_duration<std::chrono::milliseconds>(f, v);
         }},
        {"--tls-cert", [](config& c, auto, auto v) { c.tls_cert_file = v; }},
        {"--tls-key", [](config& c, auto, auto v) { c.tls_key_file = v; }},
        {"--body-limit", [](config& c, auto f, auto v) { c.body_limit = parse_size(f, v); }},
        {"--header-limit", [](config& c, auto f, auto v) { c.header_limit = parse_size(f, v); }},
        {"--max-stored-tasks",
         [](config& c, auto f, auto v) {
             c.max_stored_tasks = parse_number<std::size_t>(f, v, 1, 1'000'000'000);
         }},
        {"--max-csv-rows",
         [](config& c, auto f, auto v) {
             c.max_csv_rows = parse_number<std::size_t>(f, v, 1, 1'000'000'000);
         }},
        {"--max-connections",
         [](config& c, auto f, auto v) {
             c.max_connections = parse_number<std::size_t>(f, v, 1, 10'000'000);
         }},
        {"--idle-timeout",
         [](config& c, auto f, auto v) {
             c.idle_timeout = parse_flag_duration<std::chrono::milliseconds>(f, v);
             if (c.idle_timeout.count() <= 0)
                 throw std::invalid_argument(std::string(f) + ": must be at least 1ms");
         }},
    };
    return flags;
}

} // namespace

command_line parse_command_line(std::span<const std::string_view> args) {
    command_line out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (arg == "--help" || arg == "-h") {
            out.show_help = true;
            continue;
        }
        if (arg == "--version") {
            out.show_version = true;
            continue;
        }
        std::string_view flag = arg, value;
        bool inline_value = false;
        if (auto eq = arg.find('='); eq != std::string_view::npos && arg.starts_with("--")) {
            flag = arg.substr(0, eq);
            value = arg.substr(eq + 1);
            inline_value = true;
        }
        auto it = value_flags().find(flag);
        if (it == value_flags().end())
            throw std::invalid_argument("unknown flag '" + std::string(flag) + "' (see --help)");
        if (!inline_value) {
            if (i + 1 >= args.size())
                throw std::invalid_argument(std::string(flag) + " needs a value");
            value = args[++i];
        }
        it->second(out.cfg, flag, value);
    }
    if (out.cfg.tls_cert_file.empty() != out.cfg.tls_key_file.empty())
        throw std::invalid_argument("--tls-cert and --tls-key go together");
    if ((out.cfg.faults.storm_length.count() > 0) != (out.cfg.faults.storm_every.count() > 0))
        throw std::invalid_argument("--storm-every and --storm-length go together");
    return out;
}

std::vector<std::string> command_line_flag_names() {
    std::vector<std::string> names{"--help", "--version"};
    for (const auto& [name, set] : value_flags())
        names.emplace_back(name);
    return names;
}

std::string command_line_usage(std::string_view program) {
    return "Usage: " + std::string(program) + R"( [flags]

A local emulator of the One AI Pipeline API (sync, async, file upload, task
polling) for offline development, tests and load tests.

Server:
  --address ADDR            listen address (default 127.0.0.1)
  --port N                  listen port, 0 for any free one (default 8080)
  --tls-cert FILE --tls-key FILE
                            serve HTTPS with this PEM certificate and key
  --body-limit BYTES        largest request body, K/M/G suffixes (default 32M); larger: 413
  --header-limit BYTES      largest header block (default 16K); larger: 431
  --idle-timeout DURATION   close idle keep-alive connections (default 60s; a short one,
                            200ms, tests how a client reuses kept-alive connections)
  --max-connections N       open connections (default 10000); further ones are closed
                            as soon as they are accepted. When the process runs out of
                            file descriptors, accepting pauses 100 ms and tries again

Tasks:
  --workers N               processing slots; more tasks wait QUEUED (default 256, 0 = unlimited)
  --latency SPEC            processing time: fixed:200ms (default), uniform:100ms..2s,
                            lognormal:2s,0.6 (median, sigma); append +1ms/word for a per-word cost
  --ttl DURATION            finished tasks are kept this long, then 404 (default 1h)
  --submit-status 200|202   HTTP status of an accepted async submit (default 200)
  --failed-error-in both|error|result
                            where a FAILED task's error object goes (default both; the
                            docs say error, the SDKs read result): one of them is strict
  --max-stored-tasks N      tasks kept at once, finished ones included (default 1000000);
                            beyond it submits are refused with 503 / 50002 (nothing is
                            evicted: a result a client has not read yet is never lost)
                            until finished tasks expire after --ttl
  --max-csv-rows N          rows of a CSV input processed (default 100000); more: 400 / 40008

Keys and limits:
  --api-key KEY             accept only this key (repeatable); default: any non-empty key.
                            With keys given, a task is visible only to the key that
                            submitted it (other keys get 404 / 40400)
  --max-concurrent-jobs N   queued+running jobs per key; above it 429 / 60009 (default 0 = no limit)
  --retry-after SECONDS     send Retry-After with 429 answers
  --retry-after-form FORM   seconds (default), or an HTTP-date that many seconds ahead
                            (rounded up to a whole second): imf-date, rfc850-date, asctime-date

Randomness:
  --seed N                  seed of latencies and faults (default 1). Task and request ids
                            come from the system's CSPRNG unless --seed is given; with it
                            they are drawn from the seed, so a run repeats exactly.
                            Latencies, request faults and task failures each draw from a
                            generator of their own: the Nth request's faults depend only
                            on the seed and N, never on latencies or ids

Faults (random ones drawn from --seed):
  --task-failure-rate P     tasks end FAILED (50000)
  --http-500-rate P         requests answered 500 / 50000
  --http-503-rate P         requests answered 503 / 50002
  --reset-rate P            requests processed, then the connection is reset (lost response)
  --slow-rate P             answers delayed by --slow-delay (default 2s)
  --storm-every DURATION --storm-length DURATION
                            every submit in the first LENGTH of each EVERY period gets 429
  --fault FAULT:KIND#N      the Nth request of KIND gets FAULT, always (repeatable);
  --fault FAULT:first-KIND  FAULT: reset, slow, 429, 500, 503; KIND: post (submits, sync
                            runs, uploads), get (task status) or any. Requests are counted
                            from 1 among authenticated API requests. Example:
                            --fault reset:first-post loses the answer of the first submit

Observability:
  GET /emulator/stats       counters: submits, polls, tasks by state, detection delay, faults

Durations: 500us, 250ms, 2s, 1.5m, 1h.
)";
}

} // namespace oneai::emulator
