#pragma once
// Maps one HTTP request to its answer: routing, authentication, fault
// injection, validation and the task endpoints. It never waits: what must
// happen later (a sync run finishing, a slow answer, a reset) is returned as
// instructions that the connection carries out.

#include "api_error.hpp"
#include "emulator_stats.hpp"
#include "task_store.hpp"

#include <oneai/emulator/config.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <optional>
#include <random>

namespace oneai::emulator::detail {

namespace http = boost::beast::http;
using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;

struct reply {
    reply() = default;
    // Implicit: most answers are just a response.
    reply(http_response r) : response(std::move(r)) {}

    http_response response;
    /// Send only after this sync task has finished; then ask finish_sync().
    std::optional<task_id> await_sync;
    /// Hold the answer back this long (slow-response fault).
    std::chrono::milliseconds delay{0};
    /// Reset the connection instead of answering (lost-response fault).
    bool reset = false;
};

class api_router {
  public:
    /// Request faults are drawn from a generator of the router's own, seeded
    /// from cfg.seed and used for nothing else.
    api_router(const config& cfg, task_store& store, emulator_stats& stats, steady_time started);

    reply handle(const http_request& request, steady_time now);
    /// The answer of a finished sync run; forgets the task.
    reply finish_sync(const task_id& id, unsigned version, bool keep_alive);
    /// An error answer for a request that could not be parsed (413, 431, 400).
    http_response error_response(int code, std::string details, unsigned version);

  private:
    reply submit(const http_request& req, stored_request stored, const std::string& key, bool sync,
                 steady_time now);
    reply task_status(const http_request& req, std::string_view id_text, const std::string& key,
                      steady_time now);
    request_limits limits() const { return {.max_csv_rows = cfg_.max_csv_rows}; }
    /// The faults one request gets: every random decision drawn up front (so
    /// the Nth request's draws never depend on what earlier requests were),
    /// then a scheduled fault naming this request, if any, put first.
    struct fault_plan {
        bool http_500 = false, http_503 = false, http_429 = false, reset = false, slow = false;
        bool scheduled = false;
    };
    fault_plan plan_faults(const http_request& req);
    std::optional<reply> refuse_by_fault(const http_request& req, const fault_plan& plan,
                                         bool is_submit, steady_time now);
    http_response json_response(unsigned status, std::string body, const http_request& req);
    http_response error_response(const api_error& e, const http_request& req);
    bool draw(double probability);
    /// The Retry-After of a 429, in the configured form.
    std::string retry_after_value() const;

    const config& cfg_;
    task_store& store_;
    emulator_stats& stats_;
    std::mt19937_64 fault_rng_;
    steady_time started_;
    /// Authenticated API requests so far, all and by method (scheduled faults count these).
    std::uint64_t api_requests_ = 0, posts_ = 0, gets_ = 0;
};

} // namespace oneai::emulator::detail
