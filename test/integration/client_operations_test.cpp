// Each client operation and input kind against the emulator.

#include "../support/client_fixture.hpp"
#include "../support/sample_files.hpp"

#include <filesystem>
#include <fstream>

using namespace oneai;
using namespace oneai::test;
using namespace std::chrono_literals;

namespace {
pipeline summary_pipeline() {
    return pipeline{}.summarize().names();
}

std::filesystem::path write_temp(const std::string& name, const std::string& bytes) {
    auto path = std::filesystem::temp_directory_path() /
                ("oneai-test-" + std::to_string(::getpid()) + "-" + name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}
} // namespace

TEST_F(ClientTest, RunReturnsATypedResult) {
    start_server();
    auto c = make_client();
    diagnostics diag;
    auto [ec, r] = complete<result>(
        [&](auto h) { c->async_run(summary_pipeline(), text_input{sample_text}, diag, h); });
    ASSERT_FALSE(ec) << ec.message() << " " << diag.to_string();
    EXPECT_EQ(r.summary(), "Maria Lopez met the board in London on Tuesday.");
    auto names = r.labels_of("names");
    ASSERT_FALSE(names.empty());
    EXPECT_EQ(names[0]->value_text(), "Maria Lopez");
    EXPECT_EQ(r.input.at(0).text, sample_text);
    EXPECT_FALSE(diag.task_id.empty());
    EXPECT_GE(diag.polls, 1u);
    EXPECT_TRUE(r.raw().is_object());
    EXPECT_EQ(c->counters().submits, 1u);
    EXPECT_EQ(c->counters().completed, 1u);
}

TEST_F(ClientTest, NothingOutlivesTheLastOperation) {
    // A service's io_context::run() returns once its work is done: no timer of
    // the client's (the exchange deadlines' tick) keeps it going.
    start_server();
    auto c = make_client();
    auto [ec, r] = complete<result>(
        [&](auto h) { c->async_run(summary_pipeline(), text_input{sample_text}, h); });
    ASSERT_FALSE(ec) << ec.message();
    io.poll(); // what is ready now: cancelled waits complete at once
    EXPECT_TRUE(io.stopped()) << "work is still pending after the last operation";
}

TEST_F(ClientTest, SubmitStatusAndWaitSeparately) {
    // A task of an hour is RUNNING when its status is asked, however slow the machine.
    server_cfg.latency = emulator::latency_model::fixed(1h);
    start_server();
    auto c = make_client();
    auto [ec, t] = complete<task>(
        [&](auto h) { c->async_submit(summary_pipeline(), text_input{sample_text}, h); });
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_EQ(t.id().size(), 36u);
    auto [sec, status] = complete<task_status>([&](auto h) { c->async_status(t, h); });
    ASSERT_FALSE(sec) << sec.message();
    EXPECT_EQ(status.state, task_state::running);
    EXPECT_FALSE(status.finished());

    // A handle made from the id alone (as after a restart) waits as well: a
    // task on a quick service this time, so that the wait ends.
    server_cfg.latency = emulator::latency_model::fixed(30ms);
    start_server();
    auto quick = make_client();
    auto [qec, submitted] = complete<task>(
        [&](auto h) { quick->async_submit(summary_pipeline(), text_input{sample_text}, h); });
    ASSERT_FALSE(qec) << qec.message();
    auto [wec, r] = complete<result>([&](auto h) { quick->async_wait(task(submitted.id()), h); });
    ASSERT_FALSE(wec) << wec.message();
    EXPECT_TRUE(r.summary().has_value());
}

TEST_F(ClientTest, RunSyncUsesTheSyncEndpoint) {
    start_server();
    auto c = make_client();
    auto [ec, r] = complete<result>(
        [&](auto h) { c->async_run_sync(pipeline{}.keywords(), text_input{sample_text}, h); });
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_FALSE(r.labels_of("keywords").empty());
    EXPECT_EQ(server_stats().at("sync_runs"), 1);
    EXPECT_EQ(server_stats().at("submits"), 0);
}

TEST_F(ClientTest, UrlInput) {
    start_server();
    auto c = make_client();
    auto [ec, r] = complete<result>([&](auto h) {
        c->async_run(pipeline{}.summarize(), url_input{"https://example.com/a"}, h);
    });
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_FALSE(r.summary()->empty());
}

TEST_F(ClientTest, ConversationInput) {
    start_server();
    auto c = make_client();
    conversation_input conv{{{"John", "We should call Maria Lopez.", "0:00"},
                             {"Ann", "I am delighted.", std::nullopt}}};
    auto [ec, r] = complete<result>(
        [&](auto h) { c->async_run(pipeline{}.action_items().emotions(), conv, h); });
    ASSERT_FALSE(ec) << ec.message();
    const step_output* in = r.output_of("input");
    ASSERT_NE(in, nullptr);
    EXPECT_TRUE(in->is_conversation());
    EXPECT_EQ(in->contents.at(0).speaker, "John");
    EXPECT_EQ(in->contents.at(0).timestamp, "00:00:00.000");
    EXPECT_EQ(r.labels_of("action-items").at(0)->speaker, "John");
    EXPECT_FALSE(r.labels_of("emotions").empty());
}

// That the upload is streamed from disk is shown in client_upload_test.cpp.
TEST_F(ClientTest, AudioFileIsUploadedToAsyncFileAndTranscribed) {
    start_server();
    auto c = make_client();
    auto path = write_temp("call.wav", make_wav(9));
    auto [ec, r] = complete<result>([&](auto h) {
        c->async_run(pipeline{}.transcribe().summarize(), file_input{path, ""}, h);
    });
    std::filesystem::remove(path);
    ASSERT_FALSE(ec) << ec.message();
    const step_output* transcript = r.output_of("transcribe");
    ASSERT_NE(transcript, nullptr);
    EXPECT_TRUE(transcript->is_conversation());
    EXPECT_TRUE(r.summary().has_value());
}

TEST_F(ClientTest, PdfFileBySyncUpload) {
    start_server();
    auto c = make_client();
    auto path = write_temp("report.pdf", make_pdf("Quarterly numbers for the board"));
    auto [ec, r] = complete<result>([&](auto h) {
        c->async_run_sync(pipeline{}.pdf_extract_text(), file_input{path, ""}, h);
    });
    std::filesystem::remove(path);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(r.output_of("pdf-extract-text")->text(), "Quarterly numbers for the board");
}

TEST_F(ClientTest, UnreadableFileIsAnInvalidArgument) {
    start_server();
    auto c = make_client();
    diagnostics diag;
    auto [ec, t] = complete<task>([&](auto h) {
        c->async_submit(pipeline{}.transcribe(), file_input{"/nonexistent/a.wav", ""}, diag, h);
    });
    EXPECT_EQ(ec, errc::invalid_argument);
    EXPECT_NE(diag.message.find("/nonexistent/a.wav"), std::string::npos);
}

TEST_F(ClientTest, FailedTaskReportsTheServersError) {
    server_cfg.faults.task_failure_rate = 1.0;
    start_server();
    auto c = make_client();
    diagnostics diag;
    auto [ec, r] = complete<result>(
        [&](auto h) { c->async_run(summary_pipeline(), text_input{sample_text}, diag, h); });
    EXPECT_EQ(ec, errc::task_failed);
    EXPECT_EQ(diag.api_code, 50000);
    EXPECT_FALSE(diag.task_id.empty());
    EXPECT_EQ(c->counters().failed, 1u);
}

TEST_F(ClientTest, RefusedRequestsCarryTheServersWords) {
    server_cfg.api_keys = {"right-key"};
    start_server();
    opts.api_key = "wrong-key";
    auto c = make_client();
    diagnostics diag;
    auto [ec, t] = complete<task>(
        [&](auto h) { c->async_submit(summary_pipeline(), text_input{sample_text}, diag, h); });
    EXPECT_EQ(ec, errc::unauthorized);
    EXPECT_EQ(diag.http_status, 401u);
    EXPECT_EQ(diag.api_code, 60002);
    EXPECT_EQ(diag.request_id.size(), 36u);
    EXPECT_EQ(diag.to_string().find("wrong-key"), std::string::npos);

    opts.api_key = "right-key";
    auto c2 = make_client();
    auto [ec2, t2] = complete<task>([&](auto h) {
        c2->async_submit(pipeline{}.add_step("telepathy"), text_input{"x"}, diag, h);
    });
    EXPECT_EQ(ec2, errc::invalid_request);
    EXPECT_EQ(diag.api_code, 40003);
    EXPECT_NE(diag.details.find("telepathy"), std::string::npos);
}

TEST_F(ClientTest, MissingApiKey) {
    start_server();
    opts.api_key.clear();
    ::unsetenv("ONEAI_API_KEY");
    auto c = make_client();
    auto [ec, t] = complete<task>(
        [&](auto h) { c->async_submit(summary_pipeline(), text_input{sample_text}, h); });
    EXPECT_EQ(ec, errc::missing_api_key);
}

TEST_F(ClientTest, UnknownTaskIsNotFound) {
    start_server();
    auto c = make_client();
    auto [ec, s] = complete<task_status>(
        [&](auto h) { c->async_status(task("075f954c-e1d7-4b80-b24d-e460fd266c2c"), h); });
    EXPECT_EQ(ec, errc::task_not_found);
}

TEST_F(ClientTest, ResponseSizeLimit) {
    start_server();
    opts.max_response_size = 200;
    auto c = make_client();
    auto [ec, r] = complete<result>(
        [&](auto h) { c->async_run_sync(summary_pipeline(), text_input{sample_text}, h); });
    EXPECT_EQ(ec, errc::response_too_large);
}

TEST_F(ClientTest, ConnectionsAreReused) {
    start_server();
    auto c = make_client();
    for (int i = 0; i < 5; ++i) {
        auto [ec, t] = complete<task>(
            [&](auto h) { c->async_submit(summary_pipeline(), text_input{sample_text}, h); });
        ASSERT_FALSE(ec);
    }
    EXPECT_EQ(c->counters().connections_opened, 1u);
    EXPECT_EQ(c->counters().connections_reused, 4u);
}

TEST_F(ClientTest, ObserverHooksSeeEveryStep) {
    start_server();
    auto c = make_client();
    int requests = 0, responses = 0, polls = 0, completions = 0;
    observer o;
    o.on_request = [&](const request_event& e) {
        ++requests;
        EXPECT_EQ(std::string(e.target).find("test-key"), std::string::npos);
    };
    o.on_response = [&](const response_event& e) {
        ++responses;
        EXPECT_EQ(e.http_status, 200u);
    };
    o.on_poll = [&](const poll_event&) { ++polls; };
    o.on_completion = [&](const completion_event& e) {
        ++completions;
        EXPECT_EQ(e.state, task_state::completed);
    };
    c->set_observer(o);
    auto [ec, r] = complete<result>(
        [&](auto h) { c->async_run(summary_pipeline(), text_input{sample_text}, h); });
    ASSERT_FALSE(ec);
    EXPECT_EQ(requests, 1 + polls);
    EXPECT_EQ(responses, requests);
    EXPECT_EQ(completions, 1);
}
