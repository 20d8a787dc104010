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
    api_router(const config& cfg, task_store& store, emulator_stats& stats, std::mt19937_64& rng,
               steady_time started);

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
    std::optional<reply> inject_faults(const http_request& req, bool is_submit, steady_time now);
    http_response json_response(unsigned status, std::string body, const http_request& req);
    http_response error_response(const api_error& e, const http_request& req);
    bool draw(double probability);

    const config& cfg_;
    task_store& store_;
    emulator_stats& stats_;
    std::mt19937_64& rng_;
    steady_time started_;
};

} // namespace oneai::emulator::detail
