// The summarize_service example end to end: the program on an ephemeral port,
// against its embedded emulator, or against the test's own slow one when a
// request must still be running (a disconnect, the in-flight cap). Every wait
// is for a line of its log or a count, never for a time.

#include "../support/cli_process.hpp"
#include "../support/http_client.hpp"

#include <oneai/emulator/embedded_server.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <unistd.h>

#ifndef ONEAI_SUMMARIZE_SERVICE
#error "ONEAI_SUMMARIZE_SERVICE (the path of the example) must be defined"
#endif

using namespace oneai::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

const std::string sample = "Maria Lopez met the board in London on Tuesday. The team will "
                           "publish the full report next week.";

/// A request that stays open: its socket is closed when the test says so.
class open_request {
  public:
    open_request(std::uint16_t port, const std::string& text) : socket_(io_) {
        socket_.connect({asio::ip::make_address("127.0.0.1"), port});
        const std::string request = "POST /summarize HTTP/1.1\r\nHost: localhost\r\n"
                                    "Content-Type: text/plain\r\nContent-Length: " +
                                    std::to_string(text.size()) + "\r\n\r\n" + text;
        asio::write(socket_, asio::buffer(request));
    }
    void close() { socket_.close(); }

  private:
    asio::io_context io_;
    asio::ip::tcp::socket socket_;
};

} // namespace

class SummarizeServiceTest : public ::testing::Test {
  protected:
    fs::path log = fs::temp_directory_path() /
                   ("oneai-summarize-service-" + std::to_string(::getpid()) + ".log");
    std::unique_ptr<oneai::emulator::embedded_server> slow_emulator;
    std::unique_ptr<cli_process> service;
    std::uint16_t port = 0;

    ~SummarizeServiceTest() override {
        service.reset();
        fs::remove(log);
    }

    /// Starts the example with `args` and reads its port from its log.
    void start(std::vector<std::string> args) {
        args.insert(args.begin(), {"--port", "0", "--threads", "4"});
        cli_io io;
        io.program = ONEAI_SUMMARIZE_SERVICE;
        io.stderr_path = log.string();
        service = std::make_unique<cli_process>(args, io);
        ASSERT_TRUE(service->wait_for_stderr_line("listening on ", 20s)) << service->stderr_text();
        const std::string text = service->stderr_text();
        const auto at = text.find("listening on http://127.0.0.1:");
        ASSERT_NE(at, std::string::npos) << text;
        port = static_cast<std::uint16_t>(
            std::stoi(text.substr(at + std::string("listening on http://127.0.0.1:").size())));
    }

    /// Starts the example against an emulator of the test's whose tasks take
    /// an hour: a request stays in flight until the test ends it. The example
    /// reads the service's URL and key from its environment.
    void start_with_slow_service(std::vector<std::string> args = {}) {
        oneai::emulator::config cfg;
        cfg.port = 0;
        cfg.latency = oneai::emulator::latency_model::fixed(1h);
        slow_emulator = std::make_unique<oneai::emulator::embedded_server>(cfg);
        ::setenv("ONEAI_BASE_URL", slow_emulator->base_url().c_str(), 1);
        ::setenv("ONEAI_API_KEY", "test-key", 1);
        start(std::move(args));
        ::unsetenv("ONEAI_BASE_URL");
        ::unsetenv("ONEAI_API_KEY");
    }

    boost::json::value emulator_stats() const {
        return boost::json::parse(slow_emulator->stats_json());
    }

    std::string metrics_text() {
        auto answer = send(port, get("/metrics"));
        EXPECT_EQ(answer.status, 200u);
        return answer.body;
    }

    /// The value of one sample of /metrics; -1 when it is missing.
    long long metric(const std::string& name) {
        std::istringstream lines(metrics_text());
        std::string line;
        while (std::getline(lines, line))
            if (line.starts_with(name + " "))
                return std::stoll(line.substr(name.size() + 1));
        return -1;
    }

    bool logged(std::string_view prefix) { return service->wait_for_stderr_line(prefix, 30s); }
};

TEST_F(SummarizeServiceTest, SummarizesJsonAndPlainTextAndCountsThemInMetrics) {
    start({"--emulator"});
    const std::string before = metrics_text();
    EXPECT_NE(before.find("# HELP oneai_submits_total "), std::string::npos) << before;
    EXPECT_NE(before.find("# TYPE oneai_submits_total counter\noneai_submits_total 0\n"),
              std::string::npos)
        << before;
    EXPECT_NE(before.find("# TYPE oneai_in_flight gauge\n"), std::string::npos) << before;

    auto as_json = send(port, post_json("/summarize", R"({"text": ")" + sample + R"("})"));
    ASSERT_EQ(as_json.status, 200u) << as_json.body;
    EXPECT_FALSE(as_json.json().at("summary").as_string().empty()) << as_json.body;
    EXPECT_FALSE(as_json.json().at("task_id").as_string().empty()) << as_json.body;

    http_call plain = post_json("/summarize", sample);
    plain.headers["content-type"] = "text/plain";
    auto as_text = send(port, plain);
    ASSERT_EQ(as_text.status, 200u) << as_text.body;
    EXPECT_FALSE(as_text.json().at("summary").as_string().empty()) << as_text.body;

    auto empty = send(port, post_json("/summarize", R"({"text": ""})"));
    EXPECT_EQ(empty.status, 400u) << empty.body;

    EXPECT_EQ(metric("oneai_submits_total"), 2);
    EXPECT_EQ(metric("oneai_completed_total"), 2);
    EXPECT_GE(metric("oneai_polls_total"), 2);
    EXPECT_EQ(metric("oneai_in_flight"), 0);
    EXPECT_EQ(metric("summarize_requests_total"), 3);
    EXPECT_EQ(metric("summarize_succeeded_total"), 2);
}

TEST_F(SummarizeServiceTest, ADisconnectCancelsTheRunAndItsPolling) {
    start_with_slow_service();
    open_request request(port, sample);
    ASSERT_TRUE(logged("summarize: started")) << service->stderr_text();
    // The task exists and is being waited on: the run is past its submit.
    ASSERT_TRUE(wait_until([&] { return metric("oneai_submits_total") == 1; }, 30s));

    request.close();
    ASSERT_TRUE(logged("summarize: client disconnected, cancelled the One AI run (task "))
        << service->stderr_text();

    // The wait has ended (the log line is written after it has), and the
    // server saw exactly the polls the client made: none is under way.
    EXPECT_EQ(metric("oneai_in_flight"), 0);
    EXPECT_EQ(metric("summarize_in_flight"), 0);
    EXPECT_EQ(metric("summarize_disconnects_total"), 1);
    EXPECT_EQ(metric("oneai_completed_total"), 0);
    const auto stats = emulator_stats();
    EXPECT_EQ(stats.at("submits").to_number<long long>(), 1);
    EXPECT_EQ(stats.at("polls").to_number<long long>(), metric("oneai_polls_total"));
    EXPECT_EQ(stats.at("tasks").at("running").to_number<long long>(), 1)
        << "the task keeps running on the server";
}

TEST_F(SummarizeServiceTest, TooMuchInFlightIsAnswered503WithRetryAfter) {
    start_with_slow_service({"--max-in-flight", "1"});
    open_request first(port, sample);
    ASSERT_TRUE(logged("summarize: started, 1 in flight")) << service->stderr_text();

    http_call second = post_json("/summarize", sample);
    second.headers["content-type"] = "text/plain";
    auto answer = send(port, second);
    EXPECT_EQ(answer.status, 503u) << answer.body;
    EXPECT_EQ(answer.header("retry-after"), "1");
    EXPECT_EQ(metric("summarize_rejected_total"), 1);
    EXPECT_EQ(metric("summarize_in_flight"), 1);

    first.close();
    ASSERT_TRUE(logged("summarize: client disconnected")) << service->stderr_text();
    EXPECT_EQ(metric("summarize_in_flight"), 0);
}

TEST_F(SummarizeServiceTest, BadFlagsAreRefusedWithTheReason) {
    cli_io io;
    io.program = ONEAI_SUMMARIZE_SERVICE;
    io.stderr_path = log.string();
    cli_process bad({"--emulator", "--threads", "0"}, io);
    EXPECT_EQ(bad.wait(), 2);
    EXPECT_NE(bad.stderr_text().find("--threads wants a whole number"), std::string::npos)
        << bad.stderr_text();
}
