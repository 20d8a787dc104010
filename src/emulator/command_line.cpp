#include <oneai/emulator/command_line.hpp>

#include "flag_values.hpp"

#include "common/command_line_flags.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <stdexcept>

namespace oneai::emulator {
namespace {

using setter = std::function<void(config&, std::string_view flag, std::string_view value)>;

// One flag: what it sets, and what its help says. The table is the flags'
// only home: the parser, the help and the completion all read it.
struct flag {
    const char* name;
    const char* value_name;
    const char* group;
    const char* help;
    setter set;
    bool repeatable = false;
    const char* environment = nullptr;
};

const setter set_latency = [](config& c, std::string_view f, std::string_view v) {
    try {
        c.latency = latency_model::parse(v);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(f) + ": " + e.what());
    }
};

const setter set_retry_after_form = [](config& c, std::string_view f, std::string_view v) {
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
        throw std::invalid_argument(std::string(f) +
                                    ": must be seconds, imf-date, rfc850-date or asctime-date");
};

const setter set_failed_error_in = [](config& c, std::string_view f, std::string_view v) {
    using enum config::failed_error_field;
    if (v == "both")
        c.failed_error_in = both;
    else if (v == "error")
        c.failed_error_in = error_only;
    else if (v == "result")
        c.failed_error_in = result_only;
    else
        throw std::invalid_argument(std::string(f) + ": must be both, error or result");
};

const setter add_fault = [](config& c, std::string_view f, std::string_view v) {
    try {
        c.faults.scheduled.push_back(scheduled_fault::parse(v));
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(f) + ": " + e.what());
    }
};

constexpr const char* server = "Server";
constexpr const char* tasks = "Tasks";
constexpr const char* keys = "Keys and limits";
constexpr const char* randomness = "Randomness";
constexpr const char* faults = "Faults (random ones drawn from --seed)";

const std::vector<flag>& flags() {
    static const std::vector<flag> table = {
        {"--address", "ADDR", server, "listen address (default 127.0.0.1)",
         [](config& c, auto, auto v) { c.address = v; }, false, "ONEAI_EMULATOR_ADDRESS"},
        {"--port", "N", server, "listen port, 0 for any free one (default 8080)",
         [](config& c, auto f, auto v) {
             c.port = static_cast<std::uint16_t>(parse_whole_number(f, v, 0, 65535));
         },
         false, "ONEAI_EMULATOR_PORT"},
        {"--tls-cert", "FILE", server, "serve HTTPS with this PEM certificate (and --tls-key)",
         [](config& c, auto, auto v) { c.tls_cert_file = v; }},
        {"--tls-key", "FILE", server, "the PEM key of --tls-cert",
         [](config& c, auto, auto v) { c.tls_key_file = v; }},
        {"--body-limit", "BYTES", server,
         "largest request body, K/M/G suffixes (default 32M); larger: 413",
         [](config& c, auto f, auto v) { c.body_limit = parse_size(f, v); }},
        {"--header-limit", "BYTES", server, "largest header block (default 16K); larger: 431",
         [](config& c, auto f, auto v) { c.header_limit = parse_size(f, v); }},
        {"--idle-timeout", "DURATION", server,
         "close idle keep-alive connections (default 60s; a short one,\n200ms, tests how a "
         "client reuses kept-alive connections)",
         [](config& c, auto f, auto v) {
             c.idle_timeout = parse_flag_duration(f, v);
             if (c.idle_timeout.count() <= 0)
                 throw std::invalid_argument(std::string(f) + ": must be at least 1ms");
         }},
        {"--max-connections", "N", server,
         "open connections (default 10000); further ones are closed\nas soon as they are "
         "accepted. When the process runs out of\nfile descriptors, accepting pauses 100 ms "
         "and tries again",
         [](config& c, auto f, auto v) {
             c.max_connections = parse_whole_number(f, v, 1, 10'000'000);
         }},

        {"--workers", "N", tasks,
         "processing slots; more tasks wait QUEUED (default 256,\n0 = unlimited)",
         [](config& c, auto f, auto v) { c.workers = parse_whole_number(f, v, 0, 100'000'000); }},
        {"--latency", "SPEC", tasks,
         "processing time: fixed:200ms (default), uniform:100ms..2s,\nlognormal:2s,0.6 (median, "
         "sigma); append +1ms/word for a\nper-word cost",
         set_latency},
        {"--ttl", "DURATION", tasks, "finished tasks are kept this long, then 404 (default 1h)",
         [](config& c, auto f, auto v) { c.ttl = parse_flag_duration(f, v); }},
        {"--submit-status", "200|202", tasks,
         "HTTP status of an accepted async submit (default 200)",
         [](config& c, auto f, auto v) {
             if (v != "200" && v != "202")
                 throw std::invalid_argument(std::string(f) + ": must be 200 or 202");
             c.submit_status_202 = v == "202";
         }},
        {"--failed-error-in", "both|error|result", tasks,
         "where a FAILED task's error object goes (default both; the\ndocs say error, the SDKs "
         "read result): one of them is strict",
         set_failed_error_in},
        {"--max-stored-tasks", "N", tasks,
         "tasks kept at once, finished ones included (default 1000000);\nbeyond it submits are "
         "refused with 503 / 50002 (nothing is\nevicted: a result a client has not read yet is "
         "never lost)\nuntil finished tasks expire after --ttl",
         [](config& c, auto f, auto v) {
             c.max_stored_tasks = parse_whole_number(f, v, 1, 1'000'000'000);
         }},
        {"--max-csv-rows", "N", tasks,
         "rows of a CSV input processed (default 100000); more: 400 / 40008",
         [](config& c, auto f, auto v) {
             c.max_csv_rows = parse_whole_number(f, v, 1, 1'000'000'000);
         }},

        {"--api-key", "KEY", keys,
         "accept only this key (repeatable); default: any non-empty key.\nWith keys given, a "
         "task is visible only to the key that\nsubmitted it (other keys get 404 / 40400)",
         [](config& c, auto f, auto v) {
             if (v.empty())
                 throw std::invalid_argument(std::string(f) + ": the key must not be empty");
             c.api_keys.emplace_back(v);
         },
         true},
        {"--max-concurrent-jobs", "N", keys,
         "queued+running jobs per key; above it 429 / 60009\n(default 0 = no limit)",
         [](config& c, auto f, auto v) {
             c.max_concurrent_jobs = parse_whole_number(f, v, 0, 100'000'000);
         }},
        {"--retry-after", "SECONDS", keys, "send Retry-After with 429 answers",
         [](config& c, auto f, auto v) {
             c.retry_after = std::chrono::seconds{parse_whole_number(f, v, 0, 86400)};
         }},
        {"--retry-after-form", "FORM", keys,
         "seconds (default), or an HTTP-date that many seconds ahead\n(rounded up to a whole "
         "second): imf-date, rfc850-date,\nasctime-date",
         set_retry_after_form},

        {"--seed", "N", randomness,
         "seed of latencies and faults (default 1). Task and request ids\ncome from the "
         "system's CSPRNG unless --seed is given; with it\nthey are drawn from the seed, so a "
         "run repeats exactly.\nLatencies, request faults and task failures each draw from "
         "a\ngenerator of their own: the Nth request's faults depend only\non the seed and N, "
         "never on latencies or ids",
         [](config& c, auto f, auto v) {
             c.seed = parse_whole_number(f, v, 0, UINT64_MAX);
             c.seeded_ids = true; // a reproducible run repeats its ids too
         }},

        {"--task-failure-rate", "P", faults, "tasks end FAILED (50000)",
         [](config& c, auto f, auto v) { c.faults.task_failure_rate = parse_probability(f, v); }},
        {"--http-500-rate", "P", faults, "requests answered 500 / 50000",
         [](config& c, auto f, auto v) { c.faults.http_500_rate = parse_probability(f, v); }},
        {"--http-503-rate", "P", faults, "requests answered 503 / 50002",
         [](config& c, auto f, auto v) { c.faults.http_503_rate = parse_probability(f, v); }},
        {"--reset-rate", "P", faults,
         "requests processed, then the connection is reset (lost response)",
         [](config& c, auto f, auto v) { c.faults.reset_rate = parse_probability(f, v); }},
        {"--slow-rate", "P", faults, "answers delayed by --slow-delay",
         [](config& c, auto f, auto v) { c.faults.slow_rate = parse_probability(f, v); }},
        {"--slow-delay", "DURATION", faults, "the delay of --slow-rate (default 2s)",
         [](config& c, auto f, auto v) { c.faults.slow_delay = parse_flag_duration(f, v); }},
        {"--storm-every", "DURATION", faults,
         "with --storm-length: every submit in the first LENGTH of each\nEVERY period gets 429",
         [](config& c, auto f, auto v) { c.faults.storm_every = parse_flag_duration(f, v); }},
        {"--storm-length", "DURATION", faults, "see --storm-every",
         [](config& c, auto f, auto v) { c.faults.storm_length = parse_flag_duration(f, v); }},
        {"--fault", "FAULT:KIND#N|FAULT:first-KIND", faults,
         "the Nth request of KIND gets FAULT, always (repeatable);\nFAULT: reset, slow, 429, "
         "500, 503; KIND: post (submits, sync\nruns, uploads), get (task status) or any. "
         "Requests are counted\nfrom 1 among authenticated API requests. Example:\n--fault "
         "reset:first-post loses the answer of the first submit",
         add_fault, true},
    };
    return table;
}

struct flag_values {
    bool version = false;
};

std::unique_ptr<CLI::App> make_app(std::string_view program, config& cfg, flag_values& values) {
    auto app = std::make_unique<CLI::App>(
        "A local emulator of the One AI Pipeline API (sync, async, file upload, task\npolling) "
        "for offline development, tests and load tests.",
        std::string(program));
    common::prepare_flags(*app, "Usage: " + std::string(program) + " [flags]");
    app->footer("Observability:\n  GET /emulator/stats  counters: submits, polls, tasks by "
                "state, detection delay, faults\n\nDurations: 500us, 250ms, 2s, 1.5m, 1h, or a "
                "bare number of seconds.");
    app->add_flag("--version", values.version, "print the version and exit");
    for (const flag& f : flags()) {
        const std::string name = f.name;
        CLI::Option* option = nullptr;
        if (f.repeatable) {
            // Every occurrence, in order.
            option = app->add_option_function<std::vector<std::string>>(
                name,
                [&cfg, &f](const std::vector<std::string>& all) {
                    for (const auto& v : all)
                        f.set(cfg, f.name, v);
                },
                f.help);
            option->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
        } else {
            option = app->add_option_function<std::string>(
                name, [&cfg, &f](const std::string& v) { f.set(cfg, f.name, v); }, f.help);
        }
        option->type_name(f.value_name)->group(f.group);
        if (f.environment)
            option->envname(f.environment);
    }
    return app;
}

} // namespace

command_line parse_command_line(std::span<const std::string_view> args) {
    command_line out;
    flag_values values;
    auto app = make_app("oneai-emulator", out.cfg, values);
    out.show_help = common::parse_flags(*app, args, [](const std::string& a) {
        return common::default_extra_message(a) + " (see --help)";
    });
    out.show_version = values.version;
    if (out.show_help || out.show_version)
        return out;
    if (out.cfg.tls_cert_file.empty() != out.cfg.tls_key_file.empty())
        throw std::invalid_argument("--tls-cert and --tls-key go together");
    if ((out.cfg.faults.storm_length.count() > 0) != (out.cfg.faults.storm_every.count() > 0))
        throw std::invalid_argument("--storm-every and --storm-length go together");
    return out;
}

std::vector<std::string> command_line_flag_names() {
    config cfg;
    flag_values values;
    return common::flag_names(*make_app("oneai-emulator", cfg, values));
}

std::string command_line_usage(std::string_view program) {
    config cfg;
    flag_values values;
    return make_app(program, cfg, values)->help();
}

} // namespace oneai::emulator
