// The client's sans-I/O core: backoff kinds, Retry-After, retry rules and
// codecs, with a seeded generator and explicit times.

#include <oneai/backoff.hpp>
#include <oneai/input.hpp>
#include <oneai/pipeline.hpp>

#include "client/core/decode_error.hpp"
#include "client/core/request_codec.hpp"
#include "client/core/response_codec.hpp"
#include "client/core/retry_after.hpp"
#include "client/core/retry_rules.hpp"
#include "client/core/status_scan.hpp"
#include "client/http/base_url.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

using namespace oneai;
using namespace oneai::detail;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

TEST(Backoff, ConstantAndExponentialAreExact) {
    std::mt19937_64 rng(1);
    EXPECT_EQ(backoff::constant(300ms).delay(7, 0ms, rng), 300ms);
    auto exp = backoff::exponential(100ms, 1s);
    EXPECT_EQ(exp.delay(0, 0ms, rng), 100ms);
    EXPECT_EQ(exp.delay(1, 0ms, rng), 200ms);
    EXPECT_EQ(exp.delay(3, 0ms, rng), 800ms);
    EXPECT_EQ(exp.delay(4, 0ms, rng), 1s); // capped
    EXPECT_EQ(exp.delay(1000, 0ms, rng), 1s);
}

TEST(Backoff, JitterKindsStayInTheirRanges) {
    std::mt19937_64 rng(42);
    auto full = backoff::full_jitter(100ms, 10s);
    auto equal = backoff::equal_jitter(100ms, 10s);
    auto decorrelated = backoff::decorrelated_jitter(100ms, 2s);
    milliseconds previous = 0ms;
    bool full_varies = false;
    for (unsigned attempt = 0; attempt < 200; ++attempt) {
        const milliseconds e = std::min<milliseconds>(10s, 100ms * (1LL << std::min(attempt, 20u)));
        auto f = full.delay(attempt, 0ms, rng);
        ASSERT_GE(f, 0ms);
        ASSERT_LE(f, e);
        full_varies |= f != full.delay(attempt, 0ms, rng);
        auto q = equal.delay(attempt, 0ms, rng);
        ASSERT_GE(q, e / 2);
        ASSERT_LE(q, e);
        auto d = decorrelated.delay(attempt, previous, rng);
        ASSERT_GE(d, 100ms);
        ASSERT_LE(d, std::min<milliseconds>(2s, std::max(previous, 100ms) * 3));
        previous = d;
    }
    EXPECT_TRUE(full_varies);
}

TEST(Backoff, SameSeedSameDelays) {
    auto b = backoff::decorrelated_jitter(250ms, 8s);
    std::mt19937_64 a(5), c(5);
    milliseconds pa = 0ms, pc = 0ms;
    for (int i = 0; i < 50; ++i) {
        pa = b.delay(i, pa, a);
        pc = b.delay(i, pc, c);
        ASSERT_EQ(pa, pc);
    }
}

TEST(Backoff, ParsesTheCommandLineForms) {
    for (const char* spec : {"fixed:1s", "exp:250ms..8s", "full:100ms..5s", "equal:100ms..5s",
                             "decorrelated:250ms..8s"})
        EXPECT_EQ(backoff::parse(spec).to_string(), spec);
    for (const char* bad : {"", "fixed", "exp:1s", "exp:8s..1s", "wobbly:1s..2s", "fixed:soon"})
        EXPECT_THROW(backoff::parse(bad), std::invalid_argument) << bad;
}

TEST(RetryAfter, SecondsAndBothDateForms) {
    const auto now =
        std::chrono::system_clock::from_time_t(784111777); // Sun, 06 Nov 1994 08:49:37 GMT
    EXPECT_EQ(parse_retry_after("120", now), 120s);
    EXPECT_EQ(parse_retry_after(" 0 ", now), 0s);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now), 30s);
    EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:47 GMT", now), 10s);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), 0s); // in the past
    EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:57 1994", now), 20s);     // asctime
    for (const char* bad :
         {"", "soon", "-5", "1.5", "Sun, 06 Nov 1994 25:00:00 GMT", "Sun, 06 Foo 1994 08:00:00 GMT",
          "Sun Nov 6 08:49:57 1994", "Sun, 06 Nov 1994 08:49:-2 GMT"})
        EXPECT_FALSE(parse_retry_after(bad, now)) << bad;
}

TEST(RetryAfter, HugeHintsSaturateAtAYear) {
    const auto now = std::chrono::system_clock::from_time_t(784111777);
    constexpr auto year = std::chrono::hours{24 * 365};
    EXPECT_EQ(parse_retry_after("99999999999999999999999", now), year);
    EXPECT_EQ(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now), year); // past 2262
    EXPECT_EQ(parse_retry_after_ms("1500"), 1500ms);
    EXPECT_EQ(parse_retry_after_ms("99999999999999999999999"), year);
    for (const char* bad : {"", "-1", "1.5", "soon"})
        EXPECT_FALSE(parse_retry_after_ms(bad)) << bad;
}

TEST(ErrorKinds, TransienceIsExplicit) {
    namespace ae = boost::asio::error;
    for (error_code ec :
         {error_code(ae::connection_refused), error_code(ae::connection_reset), error_code(ae::eof),
          error_code(ae::timed_out), error_code(ae::host_not_found_try_again),
          error_code(boost::beast::error::timeout), error_code(errc::rate_limited),
          error_code(errc::server_unavailable), error_code(errc::deadline_exceeded)})
        EXPECT_TRUE(is_transient(ec)) << ec.message();
    const error_code verify_failed(
        static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED)),
        boost::asio::error::get_ssl_category());
    for (error_code ec :
         {verify_failed, error_code(ae::host_not_found),
          error_code(boost::beast::http::error::bad_version), error_code(ae::operation_aborted),
          error_code(errc::internal), error_code(errc::unauthorized), error_code()})
        EXPECT_FALSE(is_transient(ec)) << ec.message();
}

namespace {

retry_decision decide(const retry_policy& p, bool repeatable, unsigned attempt, attempt_outcome o,
                      std::optional<milliseconds> left = std::nullopt) {
    std::mt19937_64 rng(1);
    return decide_retry(p, repeatable, attempt, o, 0ms, left, rng);
}

attempt_outcome status(unsigned code, std::optional<milliseconds> hint = std::nullopt) {
    attempt_outcome o;
    o.http_status = code;
    o.request_sent = true;
    o.retry_after = hint;
    return o;
}

attempt_outcome transport(bool sent) {
    attempt_outcome o;
    o.transport = boost::asio::error::connection_reset;
    o.request_sent = sent;
    return o;
}

using action = retry_decision::action;

} // namespace

TEST(RetryRules, NothingSentMeansAnyRequestIsRetried) {
    retry_policy p;
    EXPECT_EQ(decide(p, false, 1, transport(false)).what, action::retry);
    EXPECT_EQ(decide(p, true, 1, transport(false)).what, action::retry);
}

TEST(RetryRules, PermanentTransportFailuresAreNeverRetried) {
    retry_policy p; // the defaults: five attempts
    attempt_outcome tls;
    tls.transport =
        error_code(static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED)),
                   boost::asio::error::get_ssl_category());
    auto d = decide(p, true, 1, tls);
    EXPECT_EQ(d.what, action::fail);
    EXPECT_EQ(d.error, tls.transport);
    attempt_outcome dns;
    dns.transport = boost::asio::error::host_not_found;
    EXPECT_EQ(decide(p, true, 1, dns).what, action::fail);
    dns.transport = boost::asio::error::host_not_found_try_again;
    EXPECT_EQ(decide(p, true, 1, dns).what, action::retry);
}

TEST(RetryRules, ASentSubmitIsNeverResentUnlessOptedIn) {
    retry_policy p;
    auto d = decide(p, false, 1, transport(true));
    EXPECT_EQ(d.what, action::fail);
    EXPECT_EQ(d.error, errc::unknown_submission_outcome);
    EXPECT_EQ(decide(p, true, 1, transport(true)).what, action::retry); // a GET goes again
    p.resubmit_when_unsure = true;
    EXPECT_EQ(decide(p, false, 1, transport(true)).what, action::retry);
}

TEST(RetryRules, RateLimitsWaitAtLeastTheHint) {
    retry_policy p;
    p.delays = backoff::constant(10ms);
    auto d = decide(p, false, 1, status(429, 3s));
    EXPECT_EQ(d.what, action::retry);
    EXPECT_EQ(d.delay, 3s);
    p.max_retry_after = 1s; // a longer hint fails at once rather than being slept
    auto refused = decide(p, false, 1, status(429, 3s));
    EXPECT_EQ(refused.what, action::fail);
    EXPECT_EQ(refused.error, errc::rate_limited);
    EXPECT_EQ(decide(p, false, 1, status(503, 3s)).error, errc::server_unavailable);
    p.retry_rate_limited = false;
    EXPECT_EQ(decide(p, false, 1, status(429)).error, errc::rate_limited);
}

TEST(RetryRules, AHintBeyondTheDeadlineFailsFast) {
    retry_policy p;
    auto d = decide(p, false, 1, status(429, 30s), 5s);
    EXPECT_EQ(d.what, action::fail);
    EXPECT_EQ(d.error, errc::rate_limited);
}

TEST(RetryRules, OverloadIsRetriedForEveryRequest) {
    retry_policy p;
    EXPECT_EQ(decide(p, false, 1, status(503, 1s)).what, action::retry);
    EXPECT_EQ(decide(p, false, p.max_attempts, status(503)).error, errc::server_unavailable);
}

TEST(RetryRules, ServerErrorsAreRetriedOnlyWhenRepeatable) {
    retry_policy p;
    for (unsigned code : {500u, 502u, 504u}) {
        EXPECT_EQ(decide(p, true, 1, status(code)).what, action::retry) << code;
        auto d = decide(p, false, 1, status(code));
        EXPECT_EQ(d.what, action::fail) << code;
        EXPECT_EQ(d.error, errc::server_error) << code;
    }
}

TEST(RetryRules, ClientErrorsArePermanent) {
    retry_policy p;
    EXPECT_EQ(decide(p, true, 1, status(400)).error, errc::invalid_request);
    EXPECT_EQ(decide(p, true, 1, status(401)).error, errc::unauthorized);
    EXPECT_EQ(decide(p, true, 1, status(403)).error, errc::forbidden);
    EXPECT_EQ(decide(p, true, 1, status(422)).error, errc::invalid_request);
    EXPECT_EQ(decide(p, true, 1, status(200)).what, action::succeed);
}

TEST(RetryRules, AttemptsAndBudgetRunOut) {
    retry_policy p;
    p.max_attempts = 3;
    EXPECT_EQ(decide(p, true, 2, transport(true)).what, action::retry);
    EXPECT_EQ(decide(p, true, 3, transport(true)).what, action::fail);
    p.max_attempts = 100;
    p.budget = std::make_shared<retry_budget>(2, 0.5);
    EXPECT_EQ(decide(p, true, 1, status(503)).what, action::retry);
    EXPECT_EQ(decide(p, true, 1, status(503)).what, action::retry);
    EXPECT_EQ(decide(p, true, 1, status(503)).what, action::fail); // budget spent
    p.budget->on_success();
    p.budget->on_success();
    EXPECT_EQ(decide(p, true, 1, status(503)).what, action::retry);
}

TEST(RequestCodec, JsonBodyCarriesStepsAndTypes) {
    auto p = pipeline{}
                 .summarize({.max_length = 50, .amount = "more"})
                 .names({.enrichment = false})
                 .add_step("gpt", R"({"prompt":"hi"})");
    auto req = encode_request(p, text_input{"hello"}, true);
    EXPECT_EQ(req.target_suffix, "/async");
    auto body = boost::json::parse(req.json_body).as_object();
    EXPECT_EQ(body.at("input"), "hello");
    EXPECT_EQ(body.at("input_type"), "article");
    EXPECT_EQ(body.at("output_type"), "json");
    EXPECT_EQ(body.at("multilingual"), false);
    const auto& steps = body.at("steps").as_array();
    ASSERT_EQ(steps.size(), 3u);
    EXPECT_EQ(steps[0].at("skill"), "summarize");
    EXPECT_EQ(steps[0].at("params").at("max_length"), 50);
    EXPECT_EQ(steps[0].at("params").at("amount"), "more");
    EXPECT_FALSE(
        steps[0].at("params").as_object().contains("find_origins")); // unset: the service's default
    EXPECT_EQ(steps[1].at("params").at("enrichment"), false);
    EXPECT_EQ(steps[2].at("params").at("prompt"), "hi");
}

TEST(RequestCodec, ConversationsAndFiles) {
    auto conv =
        encode_request(pipeline{}.emotions(), conversation_input{{{"A", "hi", "0:01"}}}, false);
    EXPECT_EQ(conv.target_suffix, "");
    auto body = boost::json::parse(conv.json_body).as_object();
    EXPECT_EQ(body.at("input_type"), "conversation");
    EXPECT_EQ(body.at("input").as_array()[0].at("timestamp"), "0:01");

    input f = file_input{"meeting.mp3", ""};
    auto up = encode_request(pipeline{}.transcribe(), f, true);
    EXPECT_EQ(up.file, &std::get<file_input>(f)); // streamed from disk, not copied into a body
    EXPECT_TRUE(up.target_suffix.starts_with("/async/file?pipeline=%7B"));
    EXPECT_NE(up.target_suffix.find("audio%2Fmp3"), std::string::npos);
    EXPECT_NE(up.target_suffix.find("conversation"), std::string::npos);
    EXPECT_THROW(encode_request(pipeline{}.add_step("x", "[1]"), text_input{"t"}, true),
                 std::invalid_argument);
}

TEST(ContentTypes, FollowTheSdksTable) {
    EXPECT_EQ(guess_content_type("a.txt"), "text/plain");
    EXPECT_EQ(guess_content_type("a.WAV"), "audio/wav");
    EXPECT_EQ(guess_content_type("a.mp3"), "audio/mp3");
    EXPECT_EQ(guess_content_type("a.mp4"), "audio/mpeg");
    EXPECT_EQ(guess_content_type("a.pdf"), "text/pdf");
    EXPECT_EQ(guess_content_type("a.csv"), "text/csv");
    EXPECT_EQ(guess_content_type("a.json"), "application/json");
    EXPECT_EQ(guess_content_type("a.xyz"), "");
    EXPECT_TRUE(is_conversation_content("a.srt", ""));
    EXPECT_FALSE(is_conversation_content("a.pdf", ""));
}

TEST(ResponseCodec, BothResultShapes) {
    auto json_shape = *parse_result(
        boost::json::parse(R"({"input":[{"utterance":"Hello there."}],"status":"success",
        "output":[{"text_generated_by_step_name":"summarize","text_generated_by_step_id":1,"contents":[{"utterance":"Hi."}],
        "labels":[{"type":"origin","skill":"origin","name":"origin","value":null,"span":[0,3],"span_text":"Hi.",
        "output_spans":[{"section":0,"start":0,"end":3}],"input_spans":[{"section":0,"start":0,"end":12}],"data":null}]}],
        "stats":{"concurrency_wait_time":1.5,"total_running_jobs":2,"total_waiting_jobs":0}})"));
    EXPECT_EQ(json_shape.summary(), "Hi.");
    EXPECT_EQ(json_shape.input.at(0).text, "Hello there.");
    const label& origin = json_shape.outputs[0].labels.at(0);
    EXPECT_EQ(origin.input_spans.at(0).end, 12u);
    EXPECT_EQ(origin.span, (std::pair<std::size_t, std::size_t>{0, 3}));
    EXPECT_DOUBLE_EQ(json_shape.stats.concurrency_wait_time, 1.5);

    auto legacy = *parse_result(
        boost::json::parse(R"({"input_text":"Hello there.","status":"success","error":null,
        "output":[{"text_generated_by_step_name":"input","text_generated_by_step_id":0,"text":"Hello there.",
        "labels":[{"type":"keyword","skill":"keywords","name":"hello","value":0.5,"span":[0,5],"span_text":"Hello"}]}]})"));
    EXPECT_EQ(legacy.input.at(0).text, "Hello there.");
    EXPECT_EQ(legacy.output_of("input")->text(), "Hello there.");
    EXPECT_EQ(legacy.labels_of("keywords").at(0)->value_text(), "0.5");
    EXPECT_FALSE(legacy.summary());
}

TEST(ResponseCodec, TheResultIsPassedOnAsTheServiceWroteIt) {
    const std::string text =
        R"({ "task_id":"t", "odd}\"key":{"a":"}]\"{","b":[1,{"c":"]"}]},)"
        R"( "status":"COMPLETED" , "result" : {"status":"success","output":[],"note":"x\"}"} })";
    EXPECT_EQ(member_text(text, "result"), R"({"status":"success","output":[],"note":"x\"}"})");
    EXPECT_EQ(member_text(text, "status"), R"("COMPLETED")");
    EXPECT_EQ(member_text(text, "missing"), "");
    EXPECT_EQ(member_text("[1,2]", "result"), "");
    auto s = *parse_task_status(boost::json::parse(text), text);
    ASSERT_TRUE(s.result);
    EXPECT_EQ(s.result->raw_json(), member_text(text, "result"));
    EXPECT_EQ(s.result->raw().at("note"), "x\"}");
    // A repeated key: the last one, as the parser keeps.
    EXPECT_EQ(member_text(R"({"result":1,"result":{"a":2}})", "result"), R"({"a":2})");
    // Pretty-printed by the service: written again on one line (JSON Lines).
    const std::string pretty = "{\"task_id\":\"t\",\"status\":\"COMPLETED\",\"result\":{\n  "
                               "\"status\": \"success\",\n  \"output\": []\n}\n}\n";
    auto spaced = *parse_task_status(boost::json::parse(pretty), pretty);
    EXPECT_EQ(spaced.result->raw_json(), R"({"status":"success","output":[]})");
    // Without the text, the tree is serialised: the same value.
    auto again = *parse_task_status(boost::json::parse(text));
    EXPECT_EQ(boost::json::parse(again.result->raw_json()), s.result->raw());
}

TEST(ResponseCodec, CsvRows) {
    auto r = *parse_result(boost::json::parse(R"({"status":"success","outputs":[
        {"input":[{"utterance":"a"}],"output":[{"text_generated_by_step_name":"input","text_generated_by_step_id":0,"contents":[{"utterance":"a"}],"labels":[]}]},
        {"input":[{"utterance":"b"}],"output":[{"text_generated_by_step_name":"input","text_generated_by_step_id":0,"contents":[{"utterance":"b"}],"labels":[]}]}]})"));
    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_EQ(r.rows[1].input.at(0).text, "b");
}

TEST(ResponseCodec, FailedTasksReadErrorThenResult) {
    auto in_error = *parse_task_status(boost::json::parse(
        R"({"task_id":"t","status":"FAILED","error":{"status_code":40012,"message":"Failed to transcribe audio"},"result":null})"));
    EXPECT_EQ(in_error.state, task_state::failed);
    ASSERT_TRUE(in_error.failure);
    EXPECT_EQ(in_error.failure->api_code, 40012);
    auto in_result = *parse_task_status(boost::json::parse(
        R"({"task_id":"t","status":"FAILED","result":{"status_code":50001,"message":"Failed to retrieve URL"}})"));
    ASSERT_TRUE(in_result.failure);
    EXPECT_EQ(in_result.failure->api_code, 50001);
    EXPECT_EQ(in_result.failure->message, "Failed to retrieve URL");
    EXPECT_FALSE(in_result.result);
    // A bare string in `error` is the message, with the code from `result` when it has one.
    auto as_text = *parse_task_status(boost::json::parse(
        R"({"task_id":"t","status":"FAILED","error":"Audio too long","result":null})"));
    ASSERT_TRUE(as_text.failure);
    EXPECT_EQ(as_text.failure->message, "Audio too long");
    EXPECT_EQ(as_text.failure->api_code, 0);
    auto text_and_code = *parse_task_status(boost::json::parse(
        R"({"status":"FAILED","error":"Audio too long","result":{"status_code":40012}})"));
    EXPECT_EQ(text_and_code.failure->message, "Audio too long");
    EXPECT_EQ(text_and_code.failure->api_code, 40012);
    // The string in `error` wins over a message in `result`, as `error` does.
    auto both = *parse_task_status(boost::json::parse(
        R"({"status":"FAILED","error":"Audio too long","result":{"message":"Internal"}})"));
    EXPECT_EQ(both.failure->message, "Audio too long");
    // Every FAILED answer has a failure, empty when the server said nothing;
    // no other state has one.
    auto silent = *parse_task_status(boost::json::parse(R"({"status":"FAILED"})"));
    ASSERT_TRUE(silent.failure);
    EXPECT_EQ(silent.failure->api_code, 0);
    EXPECT_FALSE(parse_task_status(boost::json::parse(R"({"status":"RUNNING"})"))->failure);
}

TEST(ResponseCodec, UnknownStatesArePendingAndMissingFieldsAreBad) {
    auto s =
        *parse_task_status(boost::json::parse(R"({"task_id":"t","status":"PAUSED","extra":1})"));
    EXPECT_EQ(s.state, task_state::unknown);
    EXPECT_FALSE(s.finished());
    EXPECT_EQ(parse_task_status(boost::json::parse(R"({"task_id":"t"})")).error(),
              decode_error::status_without_status);
    EXPECT_EQ(
        parse_task_status(boost::json::parse(R"({"status":"COMPLETED","result":"x"})")).error(),
        decode_error::completed_without_result);
    EXPECT_FALSE(parse_submit_answer(boost::json::parse(R"({"status":"QUEUED"})")));
    EXPECT_EQ(parse_submit_answer(boost::json::parse(R"({"status":"QUEUED","task_id":"abc"})")),
              "abc");
}

// The tree-free reading of a status must agree with the tree path wherever it
// answers, and leave to the tree path what it does not read.
void expect_scan_matches_tree(const std::string& text) {
    SCOPED_TRACE(text);
    const auto scanned = scan_task_status(text);
    ASSERT_TRUE(scanned);
    const auto tree =
        *parse_task_status(boost::json::parse(text), text, result_decoding::text_only);
    EXPECT_EQ(scanned->task.id(), tree.task.id());
    EXPECT_EQ(scanned->state, tree.state);
    EXPECT_EQ(scanned->status_text, tree.status_text);
    EXPECT_EQ(scanned->creation_time, tree.creation_time);
    EXPECT_EQ(scanned->completion_time, tree.completion_time);
    ASSERT_EQ(scanned->result.has_value(), tree.result.has_value());
    if (tree.result) {
        EXPECT_EQ(scanned->result->raw_json(), tree.result->raw_json());
        EXPECT_EQ(scanned->result->stats.concurrency_wait_time,
                  tree.result->stats.concurrency_wait_time);
        EXPECT_EQ(scanned->result->stats.total_running_jobs, tree.result->stats.total_running_jobs);
        EXPECT_EQ(scanned->result->stats.total_waiting_jobs, tree.result->stats.total_waiting_jobs);
    }
}

TEST(StatusScan, AgreesWithTheTreeOnTheAnswersItReads) {
    expect_scan_matches_tree(R"({"task_id":"t","status":"RUNNING","creation_time":"c"})");
    expect_scan_matches_tree(R"({"status":"PAUSED","task_id":7,"creation_time":null})");
    expect_scan_matches_tree(
        R"({"task_id":"t","status":"COMPLETED","creation_time":"2026-01-01T00:00:00.000000",)"
        R"("completion_time":"2026-01-01T00:00:01.500000","result":{"status":"success",)"
        R"("output":[{"labels":[{"span":[0,3],"output":5}]}],)"
        R"("stats":{"concurrency_wait_time":1.5,"total_running_jobs":2,"total_waiting_jobs":3.0}}})");
    // Escapes, repeated keys (the last counts), and members of the same names
    // deeper down, which are not the ones read.
    expect_scan_matches_tree(
        R"({"sta\u0074us":"QUEUED","status":"COMPLETED","task_id":"a\"b","task_id":"c\u00e9",)"
        R"("x":{"status":"FAILED","result":1},"result":{"output":1,"output":[],)"
        R"("stats":{"total_running_jobs":1},"stats":{"total_running_jobs":2.5,)"
        R"("total_waiting_jobs":18446744073709551615,"concurrency_wait_time":-2}}})");
    expect_scan_matches_tree(
        R"({"status":"COMPLETED","result":{"outputs":[{"output":[]}],"stats":"none"}})");
}

TEST(StatusScan, LeavesTheRestToTheTreePath) {
    for (const std::string& text : {
             std::string(R"({"status":"COMPLETED","result":{"output":[]})"), // not JSON
             std::string(R"({"status":"RUNNING"} {})"),                      // two documents
             std::string(R"([{"status":"RUNNING"}])"),                       // not an object
             std::string(R"({"status":5})"),                                 // no status text
             std::string(R"({"status":"RUNNING","status":null})"),
             std::string(R"({"status":"FAILED","error":{"status_code":1}})"), // errors: two homes
             std::string(R"({"status":"COMPLETED","result":{"output":5}})"),  // not a result
             std::string(R"({"status":"COMPLETED","result":{"outputs":[]}})"),
             std::string(R"({"status":"COMPLETED","result":{"output":[]},"result":[]})"),
             std::string("{\"status\":\"COMPLETED\",\"result\":{\n\"output\":[]}}"), // rewritten
         }) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(scan_task_status(text));
    }
}

TEST(BaseUrl, ParsesAndRejects) {
    auto u = base_url::parse("https://api.oneai.com");
    EXPECT_TRUE(u.tls);
    EXPECT_EQ(u.port, 443);
    EXPECT_EQ(u.host, "api.oneai.com");
    auto local = base_url::parse("http://127.0.0.1:8080/proxy/");
    EXPECT_FALSE(local.tls);
    EXPECT_EQ(local.port, 8080);
    EXPECT_EQ(local.path_prefix, "/proxy");
    for (const char* bad : {"", "api.oneai.com", "ftp://x", "http://", "http://x?y=1"})
        EXPECT_THROW(base_url::parse(bad), std::invalid_argument) << bad;
}
