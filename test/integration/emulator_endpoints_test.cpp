// Every endpoint of the emulator over a real loopback socket.

#include "../support/emulator_fixture.hpp"
#include "../support/sample_files.hpp"
#include "client/core/server_time.hpp"

#include <thread>

using namespace oneai::test;
using namespace std::chrono_literals;

namespace {

// A sync run of pdf-extract-text over an uploaded PDF.
constexpr const char* pdf_extract_pipeline =
    R"({"content_type":"application/pdf","output_type":"json",)"
    R"("steps":[{"skill":"pdf-extract-text"}]})";

// The first utterance of the first output of a sync answer.
boost::json::value first_utterance(const http_answer& answer) {
    return answer.json().at("output").as_array()[0].at("contents").as_array()[0].at("utterance");
}

} // namespace

TEST_F(EmulatorTest, SyncRunAnswersWithTheResult) {
    start();
    auto answer = call(post_json("/api/v0/pipeline", simple_body));
    ASSERT_EQ(answer.status, 200u) << answer.body;
    auto result = answer.json();
    EXPECT_EQ(result.at("status"), "success");
    EXPECT_EQ(result.at("output").as_array()[0].at("text_generated_by_step_name"), "summarize");
    EXPECT_EQ(answer.header("x-oneai-word-count"), "13");
    EXPECT_EQ(answer.header("x-oneai-request-id").size(), 36u);
    EXPECT_EQ(stats().at("sync_runs"), 1);
}

TEST_F(EmulatorTest, AsyncSubmitThenPollToCompletion) {
    // A task of an hour: RUNNING whenever the poll comes, however loaded the machine.
    cfg.latency = oneai::emulator::latency_model::fixed(1h);
    start();
    auto submitted = call(post_json("/api/v0/pipeline/async", simple_body));
    ASSERT_EQ(submitted.status, 200u);
    EXPECT_EQ(submitted.json().at("status"), "QUEUED");
    std::string id(submitted.json().at("task_id").as_string());

    auto pending = call(get("/api/v0/pipeline/async/tasks/" + id)).json();
    EXPECT_EQ(pending.at("status"), "RUNNING");
    EXPECT_TRUE(pending.at("result").is_null());
    EXPECT_TRUE(pending.at("error").is_null());
    EXPECT_TRUE(pending.at("completion_time").is_null());
    EXPECT_EQ(pending.at("creation_time").as_string().size(), 26u);

    // A quick service, to see the same task shape once COMPLETED.
    cfg.latency = oneai::emulator::latency_model::fixed(150ms);
    start();
    id = submit(simple_body);
    auto done = wait_for(id);
    EXPECT_EQ(done.at("status"), "COMPLETED");
    EXPECT_EQ(done.at("task_id").as_string(), id);
    EXPECT_EQ(done.at("result").at("status"), "success");
    EXPECT_TRUE(done.at("error").is_null());
    EXPECT_GT(done.at("completion_time").as_string(), done.at("creation_time").as_string());
}

TEST_F(EmulatorTest, SubmitCanAnswer202) {
    cfg.submit_status_202 = true;
    start();
    EXPECT_EQ(call(post_json("/api/v0/pipeline/async", simple_body)).status, 202u);
}

TEST_F(EmulatorTest, AsyncFileUploadTranscribesAudio) {
    start();
    // The SDKs label the raw audio body application/json; the type comes from the query.
    auto submitted =
        upload("/api/v0/pipeline/async/file",
               R"({"input_type":"conversation","content_type":"audio/wav",)"
               R"("output_type":"json","steps":[{"skill":"transcribe"},{"skill":"summarize"}]})",
               make_wav(8));
    ASSERT_EQ(submitted.status, 200u) << submitted.body;
    auto done = wait_for(std::string(submitted.json().at("task_id").as_string()));
    ASSERT_EQ(done.at("status"), "COMPLETED") << done;
    const auto& output = done.at("result").at("output").as_array();
    EXPECT_EQ(output[0].at("text_generated_by_step_name"), "transcribe");
    EXPECT_EQ(output[1].at("text_generated_by_step_name"), "summarize");
}

TEST_F(EmulatorTest, SyncFileUploadExtractsPdfText) {
    start();
    auto answer = upload("/api/v0/pipeline/file", pdf_extract_pipeline,
                         make_pdf("Annual report of the library"));
    ASSERT_EQ(answer.status, 200u) << answer.body;
    EXPECT_EQ(first_utterance(answer), "Annual report of the library");
}

TEST_F(EmulatorTest, SignedUrlAnswers404) {
    start();
    auto answer = call(get("/api/v0/pipeline/signed_url"));
    EXPECT_EQ(answer.status, 404u);
    EXPECT_EQ(answer.json().at("status_code"), 40401);
}

TEST_F(EmulatorTest, UnknownTaskIs40400) {
    start();
    auto answer = call(get("/api/v0/pipeline/async/tasks/075f954c-e1d7-4b80-b24d-e460fd266c2c"));
    EXPECT_EQ(answer.status, 404u);
    auto body = answer.json();
    EXPECT_EQ(body.at("status_code"), 40400);
    EXPECT_EQ(body.at("message"), "Task not found");
    EXPECT_EQ(body.at("request_id").as_string().size(), 36u);
    EXPECT_EQ(call(get("/api/v0/pipeline/async/tasks/not-a-uuid")).status, 404u);
}

TEST_F(EmulatorTest, FinishedTasksExpireAfterTheTtl) {
    cfg.ttl = 1s;
    start();
    using clock = std::chrono::steady_clock;
    const auto submitted = clock::now();
    std::string id = submit(simple_body);
    // The expiry is an event of the server's: poll until the task is gone,
    // noting whether it was seen finished and when the last answer that
    // still had it was asked for.
    http_answer gone;
    bool seen_completed = false;
    auto last_present_asked = submitted;
    for (int i = 0; i < 1000; ++i) {
        const auto asked = clock::now();
        gone = call(get("/api/v0/pipeline/async/tasks/" + id));
        if (gone.status != 200u)
            break;
        last_present_asked = asked;
        seen_completed = seen_completed || gone.json().at("status") == "COMPLETED";
        std::this_thread::sleep_for(10ms);
    }
    const auto gone_seen = clock::now();
    ASSERT_EQ(gone.status, 404u) << "still there 10 s after finishing: " << gone.body;
    // Never before the TTL: processing (20 ms) plus the TTL had passed when
    // the answer that had lost it arrived (a lower bound: load cannot break it).
    EXPECT_GE(gone_seen - submitted, 1020ms);
    // Kept, and shown finished, while the TTL ran: unless this machine stalled
    // the polling for longer than the whole TTL, some poll saw it COMPLETED.
    if (gone_seen - last_present_asked < cfg.ttl) {
        EXPECT_TRUE(seen_completed) << "gone without ever being seen finished";
    }
    EXPECT_EQ(gone.json().at("status_code"), 40400);
    EXPECT_EQ(stats().at("tasks").at("expired"), 1);
}

TEST_F(EmulatorTest, TasksWaitQueuedForAWorker) {
    cfg.workers = 1;
    // The first task holds the only worker for an hour: the second stays QUEUED.
    cfg.latency = oneai::emulator::latency_model::fixed(1h);
    start();
    const std::string second_body =
        R"({"input":"Another text to read.","output_type":"json","steps":[{"skill":"keywords"}]})";
    std::string first = submit(simple_body);
    std::string second = submit(second_body);
    EXPECT_EQ(call(get("/api/v0/pipeline/async/tasks/" + first)).json().at("status"), "RUNNING");
    EXPECT_EQ(call(get("/api/v0/pipeline/async/tasks/" + second)).json().at("status"), "QUEUED");
    EXPECT_EQ(stats().at("tasks").at("queued"), 1);

    // With tasks of 200 ms, the second starts when the first finishes, and
    // its stats report that wait, as the service's own times show it.
    cfg.latency = oneai::emulator::latency_model::fixed(200ms);
    start();
    first = submit(simple_body);
    second = submit(second_body);
    auto done = wait_for(second);
    ASSERT_EQ(done.at("status"), "COMPLETED");
    auto first_done = wait_for(first);
    const auto& st = done.at("result").at("stats");
    const double waited = st.at("concurrency_wait_time").to_number<double>();
    const double first_end_after_second_created =
        oneai::detail::server_span_ms(std::string(done.at("creation_time").as_string()),
                                      std::string(first_done.at("completion_time").as_string())) /
        1000.0;
    EXPECT_GT(waited, 0.0);
    EXPECT_NEAR(waited, first_end_after_second_created, 0.005);
    EXPECT_EQ(st.at("total_running_jobs"), 1);
}

TEST_F(EmulatorTest, FailedTasksCarryTheErrorInBothPlaces) {
    start();
    std::string id = submit(
        R"({"input":"https://gone.invalid/page","output_type":"json","steps":[{"skill":"summarize"}]})");
    auto done = wait_for(id);
    ASSERT_EQ(done.at("status"), "FAILED");
    EXPECT_EQ(done.at("error").at("status_code"), 50001);
    EXPECT_EQ(done.at("result"), done.at("error"));
}

TEST_F(EmulatorTest, LegacyShapeWithoutOutputType) {
    start();
    auto answer = call(post_json(
        "/api/v0/pipeline", R"({"input":"Plain text here.","steps":[{"skill":"sentences"}]})"));
    ASSERT_EQ(answer.status, 200u);
    EXPECT_EQ(answer.json().at("input_text"), "Plain text here.");
    EXPECT_EQ(answer.json().at("output").as_array()[0].at("text"), "Plain text here.");
}

TEST_F(EmulatorTest, ValidationErrorsUseTheDocumentedCodes) {
    start();
    struct case_t {
        std::string body;
        unsigned status;
        int code;
    };
    for (const auto& c : std::vector<case_t>{
             {"{broken", 400, 40008},
             {R"({"input":"x","steps":[{"skill":"mind-reading"}]})", 400, 40003},
             {R"({"input":"","steps":[{"skill":"keywords"}]})", 400, 40002},
             {R"({"input":[{"speaker":"a"}],"steps":[{"skill":"keywords"}]})", 400, 40004},
             {R"({"input":"words","content_type":"audio/wav","steps":[{"skill":"transcribe"}]})",
              400, 40009},
         }) {
        for (const char* target : {"/api/v0/pipeline", "/api/v0/pipeline/async"}) {
            auto answer = call(post_json(target, c.body));
            EXPECT_EQ(answer.status, c.status) << c.body;
            auto body = answer.json();
            EXPECT_EQ(body.at("status_code"), c.code) << c.body;
            EXPECT_FALSE(body.at("details").as_string().empty());
            EXPECT_FALSE(body.at("message").as_string().empty());
        }
    }
}

TEST_F(EmulatorTest, AnyNonEmptyKeyIsAcceptedByDefault) {
    start();
    auto c = post_json("/api/v0/pipeline/async", simple_body);
    c.headers["api-key"] = "whatever";
    EXPECT_EQ(call(c).status, 200u);
    c.headers.erase("api-key");
    auto missing = call(c);
    EXPECT_EQ(missing.status, 401u);
    EXPECT_EQ(missing.json().at("status_code"), 60001);
}

TEST_F(EmulatorTest, ConfiguredKeysRestrictAccess) {
    cfg.api_keys = {"good-key"};
    start();
    auto c = get("/api/v0/pipeline/async/tasks/075f954c-e1d7-4b80-b24d-e460fd266c2c");
    c.headers["api-key"] = "bad-key";
    auto refused = call(c);
    EXPECT_EQ(refused.status, 401u);
    EXPECT_EQ(refused.json().at("status_code"), 60002);
    EXPECT_EQ(refused.body.find("bad-key"), std::string::npos); // keys are never echoed
    c.headers["api-key"] = "good-key";
    EXPECT_EQ(call(c).status, 404u);
}

TEST_F(EmulatorTest, ConcurrencyLimitAnswers429WithRetryAfter) {
    cfg.max_concurrent_jobs = 2;
    cfg.retry_after = 3s;
    cfg.latency = oneai::emulator::latency_model::fixed(300ms);
    start();
    submit(simple_body);
    submit(simple_body);
    auto refused = call(post_json("/api/v0/pipeline/async", simple_body));
    EXPECT_EQ(refused.status, 429u);
    EXPECT_EQ(refused.json().at("status_code"), 60009);
    EXPECT_EQ(refused.header("retry-after"), "3");
    auto s = stats();
    EXPECT_EQ(s.at("rejected_concurrency_limit"), 1);
    EXPECT_EQ(s.at("duplicate_submits"), 1);
}

TEST_F(EmulatorTest, StatsCountPollsAndDetectionDelay) {
    start();
    std::string id = submit(simple_body);
    wait_for(id);
    call(get("/api/v0/pipeline/async/tasks/" + id));
    auto s = stats();
    EXPECT_EQ(s.at("submits"), 1);
    EXPECT_GE(s.at("polls").to_number<int>(), 2);
    EXPECT_EQ(s.at("tasks").at("completed"), 1);
    EXPECT_EQ(s.at("detection_delay_ms").at("count"), 1);
    EXPECT_GE(s.at("polls_per_finished_task").to_number<double>(), 2.0);
    EXPECT_EQ(call(get("/emulator/stats")).json().at("submits"), 1);
}

TEST_F(EmulatorTest, WithConfiguredKeysATaskIsVisibleOnlyToItsKey) {
    cfg.api_keys = {"alice", "bob"};
    start();
    auto submit_call = post_json("/api/v0/pipeline/async", simple_body);
    submit_call.headers["api-key"] = "alice";
    std::string id(call(submit_call).json().at("task_id").as_string());

    auto poll = get("/api/v0/pipeline/async/tasks/" + id);
    poll.headers["api-key"] = "bob";
    auto foreign = call(poll);
    EXPECT_EQ(foreign.status, 404u);
    EXPECT_EQ(foreign.json().at("status_code"), 40400);
    EXPECT_EQ(foreign.json().at("message"), "Task not found");
    poll.headers["api-key"] = "alice";
    EXPECT_EQ(call(poll).status, 200u);
}

TEST_F(EmulatorTest, AFullStoreRefusesSubmitsWith503) {
    cfg.max_stored_tasks = 2;
    start();
    submit(simple_body);
    submit(simple_body);
    auto refused = call(post_json("/api/v0/pipeline/async", simple_body));
    EXPECT_EQ(refused.status, 503u);
    EXPECT_EQ(refused.json().at("status_code"), 50002);
    EXPECT_NE(refused.json().at("details").as_string().find("max-stored-tasks"), std::string::npos);
    EXPECT_EQ(stats().at("rejected_store_full"), 1);
}

TEST_F(EmulatorTest, CsvRowsBeyondTheLimitAre40008) {
    cfg.max_csv_rows = 3;
    start();
    const std::string pipeline =
        R"({"content_type":"text/csv","output_type":"json","steps":[{"skill":"keywords"}]})";
    auto refused =
        upload("/api/v0/pipeline/async/file", pipeline, "one row\ntwo\nthree\nfour\nfive\n");
    EXPECT_EQ(refused.status, 400u) << refused.body;
    EXPECT_EQ(refused.json().at("status_code"), 40008);
    // skip_rows and max_rows count: these ask for three rows of the five
    auto within = upload("/api/v0/pipeline/file",
                         R"({"content_type":"text/csv","csv_params":{"max_rows":3},)"
                         R"("output_type":"json","steps":[{"skill":"keywords"}]})",
                         "one row\ntwo\nthree\nfour\nfive\n");
    ASSERT_EQ(within.status, 200u) << within.body;
    EXPECT_EQ(within.json().at("outputs").as_array().size(), 3u);
}

TEST_F(EmulatorTest, TextInputThatIsNotUtf8Is40008) {
    start();
    auto base64 =
        call(post_json("/api/v0/pipeline", R"({"input":"//4gaGVsbG8gdGhlcmU=","encoding":"base64",)"
                                           R"("steps":[{"skill":"keywords"}]})"));
    EXPECT_EQ(base64.status, 400u) << base64.body;
    EXPECT_EQ(base64.json().at("status_code"), 40008);
    auto uploaded = upload("/api/v0/pipeline/file",
                           R"({"content_type":"text/plain","steps":[{"skill":"keywords"}]})",
                           "caf\xE9 au lait is served here.");
    EXPECT_EQ(uploaded.status, 400u) << uploaded.body;
    EXPECT_EQ(uploaded.json().at("status_code"), 40008);
    auto csv = upload("/api/v0/pipeline/file",
                      R"({"content_type":"text/csv","steps":[{"skill":"keywords"}]})",
                      "good row\nbad \xC3\x28 row\n");
    EXPECT_EQ(csv.status, 400u) << csv.body;
}

TEST_F(EmulatorTest, PdfTextThatIsNotUtf8ComesBackWithReplacementCharacters) {
    start();
    auto answer = upload("/api/v0/pipeline/file", pdf_extract_pipeline, make_pdf("Caf\xE9 report"));
    ASSERT_EQ(answer.status, 200u) << answer.body;
    // json() parses strictly: invalid UTF-8 would throw here
    EXPECT_EQ(first_utterance(answer), "Caf\xEF\xBF\xBD report");
}

TEST_F(EmulatorTest, OutOfRangeNumbersAre40008) {
    start();
    for (
        const std::string body : {
            R"({"input":"Some text to sum up here.","steps":[{"skill":"summarize","params":{"max_length":1e300}}]})",
            R"({"input":"Some text to sum up here.","steps":[{"skill":"summarize","params":{"max_length":-1e300}}]})",
            R"({"input":"Some text here.","steps":[{"skill":"headline","params":{"variations":18446744073709551615}}]})",
            R"({"input":[{"speaker":"a","utterance":"Hello there all.","timestamp":1e300}],"steps":[{"skill":"keywords"}]})",
            R"({"input":[{"speaker":"a","utterance":"Hello there all.","timestamp":9223372036854775807}],"steps":[{"skill":"keywords"}]})",
            R"({"input":[{"speaker":"a","utterance":"Hello there all.","timestamp":"9223372036854775807:00:00"}],"steps":[{"skill":"keywords"}]})",
        }) {
        auto answer = call(post_json("/api/v0/pipeline", body));
        EXPECT_EQ(answer.status, 400u) << body << "\n" << answer.body;
        EXPECT_EQ(answer.json().at("status_code"), 40008) << body;
    }
    // In range, the same fields still work.
    auto fine = call(post_json(
        "/api/v0/pipeline",
        R"({"input":[{"speaker":"a","utterance":"Hello there all.","timestamp":3600.5}],"steps":[{"skill":"keywords"}]})"));
    EXPECT_EQ(fine.status, 200u) << fine.body;
}
