// Memory per stored task: RSS growth of the emulator's task store while it
// holds N tasks (queued, then completed and kept for their TTL), minus the
// input text itself. Target: at most 1 KiB per task with 1,000,000 tasks.
//
// Usage: emulator_memory [tasks]   (default 1000000)

#include "emulator/pipeline_request.hpp"
#include "emulator/task_store.hpp"

#include "resident_memory.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace oneai::emulator;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
    const long tasks = argc > 1 ? std::atol(argv[1]) : 1'000'000;
    config cfg;
    cfg.workers = 0; // all run at once
    cfg.latency = latency_model::fixed(1s);
    cfg.ttl = std::chrono::hours(24); // keep every finished task
    std::mt19937_64 rng(1);
    detail::emulator_stats stats;
    detail::task_store store(cfg, rng, stats);

    // Each request is parsed and submitted at once, so the parser's temporaries
    // are freed and what RSS grows by is what the store keeps.
    const auto t0 = std::chrono::steady_clock::now();
    const long before = oneai::bench::resident_bytes();
    std::size_t input_bytes = 0;
    for (long i = 0; i < tasks; ++i) {
        auto request = detail::parse_json_body(
            R"({"input":"Document )" + std::to_string(i) +
            R"( tells a short story.","input_type":"article","output_type":"json","multilingual":false,"steps":[{"skill":"summarize","params":{}},{"skill":"keywords","params":{}}]})");
        input_bytes += request.input.size();
        store.submit(std::move(request), "bench-key", false, t0, 0);
    }
    const long queued = oneai::bench::resident_bytes();
    store.advance(t0 + 1s); // every task completes (pipelines run once to check for failure)
    const long completed = oneai::bench::resident_bytes();

    auto per_task = [&](long rss) {
        return (static_cast<double>(rss - before) - static_cast<double>(input_bytes)) /
               static_cast<double>(tasks);
    };
    std::printf("tasks stored:                       %ld (completed %llu)\n", tasks,
                static_cast<unsigned long long>(stats.completed));
    std::printf("input text:                         %.1f bytes/task\n",
                static_cast<double>(input_bytes) / tasks);
    std::printf("memory beyond input, while running: %.0f bytes/task\n", per_task(queued));
    std::printf("memory beyond input, completed:     %.0f bytes/task\n", per_task(completed));
    std::printf("ratio to the 1024-byte budget:      %.2f (target <= 1.00)\n",
                per_task(completed) / 1024.0);
    return per_task(completed) <= 1024.0 ? 0 : 1;
}
