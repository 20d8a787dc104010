// Fuzzes the emulator's request path from raw bytes: Beast's request parser
// with the server's limits, the router (routes, methods, keys), the pipeline
// validator and, for what it accepts, the pipeline itself: a sync run is
// finished and an async task is polled once it is done, so the skills run on
// the fuzzed input too. Up to four pipelined requests per input, each with a
// fresh emulator state so that nothing accumulates between inputs.

#include "emulator/raw_request.hpp"

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>

namespace {

using namespace oneai::emulator;
using namespace oneai::emulator::detail;

config fuzz_config() {
    config c;
    c.latency = latency_model::fixed(std::chrono::milliseconds{1});
    c.body_limit = 2048; // small limits: inputs of a few KiB reach the 413 and 431 paths
    c.header_limit = 1024;
    c.workers = 4;
    c.max_concurrent_jobs = 8;
    return c;
}

// Every answer is a response with a status the API uses.
void check(const http_response& res) {
    if (res.result_int() < 200 || res.result_int() > 599)
        std::abort();
}

struct emulator_state {
    config cfg = fuzz_config();
    std::mt19937_64 rng{cfg.seed};
    emulator_stats stats;
    task_store store{cfg, rng, stats};
    steady_time now = steady_time{} + std::chrono::hours{1};
    api_router router{cfg, store, stats, now};

    // Lets a finished submit's task run, then polls it as a client would.
    void poll_accepted(const http_response& res) {
        boost::system::error_code ec;
        const auto body = boost::json::parse(res.body(), ec);
        const auto* id =
            ec || !body.is_object() ? nullptr : body.as_object().if_contains("task_id");
        if (!id || !id->is_string())
            return;
        now += std::chrono::seconds{1};
        store.advance(now);
        http_request poll{http::verb::get,
                          "/api/v0/pipeline/async/tasks/" + std::string(id->get_string()), 11};
        poll.set("api-key", "fuzz");
        check(router.handle(poll, now).response);
    }

    void answer(std::string_view bytes) {
        for (int request = 0; request < 4 && !bytes.empty(); ++request) {
            auto raw = answer_raw_request(router, cfg, bytes, now);
            if (!raw)
                return;
            reply& r = raw->answer;
            if (r.await_sync) {
                now += std::chrono::seconds{1};
                store.advance(now);
                r = router.finish_sync(*r.await_sync, 11, true);
            }
            check(r.response);
            if (raw->parsed && r.response.result_int() / 100 == 2)
                poll_accepted(r.response);
            if (!raw->parsed || raw->consumed == 0 || raw->consumed > bytes.size())
                return;
            bytes.remove_prefix(raw->consumed);
        }
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    emulator_state emulator;
    emulator.answer(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
