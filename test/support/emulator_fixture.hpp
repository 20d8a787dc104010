#pragma once
// A fresh emulator on a free port for each test, plus the calls tests repeat.

#include "http_client.hpp"

#include <oneai/emulator/embedded_server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

namespace oneai::test {

class EmulatorTest : public ::testing::Test {
  protected:
    emulator::config cfg;
    std::unique_ptr<emulator::embedded_server> server;

    EmulatorTest() {
        cfg.port = 0;
        cfg.latency = emulator::latency_model::fixed(std::chrono::milliseconds(20));
    }

    void start() { server = std::make_unique<emulator::embedded_server>(cfg); }
    std::uint16_t port() const { return server->port(); }

    http_answer call(const http_call& c) { return send(port(), c); }

    /// A raw-bytes upload to `endpoint` (/async/file or /file) with the pipeline
    /// in the query, labelled application/json as the SDKs label every upload.
    http_answer upload(const std::string& endpoint, const std::string& pipeline_json,
                       std::string bytes) {
        http_call c;
        c.method = "POST";
        c.target = endpoint +
                   "?pipeline=" + boost::urls::encode(pipeline_json, boost::urls::unreserved_chars);
        c.headers["content-type"] = "application/json";
        c.body = std::move(bytes);
        return call(c);
    }

    std::string submit(const std::string& body) {
        auto answer = call(post_json("/api/v0/pipeline/async", body));
        EXPECT_EQ(answer.status, 200u) << answer.body;
        return std::string(answer.json().at("task_id").as_string());
    }

    /// Polls every 10 ms until the task is COMPLETED or FAILED (at most 10 s).
    boost::json::value wait_for(const std::string& task_id) {
        for (int i = 0; i < 1000; ++i) {
            auto answer = call(get("/api/v0/pipeline/async/tasks/" + task_id));
            EXPECT_EQ(answer.status, 200u) << answer.body;
            auto body = answer.json();
            auto status = body.at("status").as_string();
            if (status == "COMPLETED" || status == "FAILED")
                return body;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ADD_FAILURE() << "task " << task_id << " did not finish";
        return {};
    }

    boost::json::value stats() const { return boost::json::parse(server->stats_json()); }
};

inline const std::string simple_body =
    R"({"input":"Maria Lopez met the board in London. The team will publish the report.","input_type":"article",)"
    R"("output_type":"json","multilingual":false,"steps":[{"skill":"summarize","params":{}},{"skill":"names","params":{}}]})";

} // namespace oneai::test
