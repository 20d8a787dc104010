// The typed decoding of the API's answers (result_conversion.hpp): every
// malformed shape is an error code, never an exception, and a typed result
// owns the tree its answer was parsed into (moved, not copied or parsed again).

#include "client/core/decode_error.hpp"
#include "client/core/response_codec.hpp"
#include "client/core/result_conversion.hpp"
#include "client/core/tree_arena.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <exception>
#include <string>
#include <thread>

using namespace oneai;
using namespace oneai::detail;

namespace {

// Runs a decoder; an exception escaping it fails the test (the decoders
// promise error codes only).
template <typename Decode>
auto without_exception(Decode decode) -> decltype(decode()) {
    try {
        return decode();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "a decoder threw: " << e.what();
    } catch (...) {
        ADD_FAILURE() << "a decoder threw something else";
    }
    return make_error_code(errc::internal);
}

template <typename T>
error_code refusal_of(std::string_view json) {
    const auto tree = boost::json::parse(json);
    auto read = without_exception([&] { return boost::json::try_value_to<T>(tree); });
    return read ? error_code{} : read.error();
}

// A status answer whose result is `result_json`.
std::string completed_with(std::string_view result_json) {
    return R"({"task_id":"t","status":"COMPLETED","result":)" + std::string(result_json) + "}";
}

} // namespace

TEST(ResultConversion, EachMalformedShapeIsItsErrorNotAnException) {
    struct shape {
        std::string status;
        decode_error expected;
    };
    const shape shapes[] = {
        {R"([{"status":"RUNNING"}])", decode_error::status_not_object},
        {R"({"task_id":"t"})", decode_error::status_without_status},
        {R"({"status":5})", decode_error::status_without_status},
        {R"({"status":"COMPLETED"})", decode_error::completed_without_result},
        {completed_with("[]"), decode_error::completed_without_result},
        {completed_with("{}"), decode_error::result_without_output},
        {completed_with(R"({"output":{}})"), decode_error::result_without_output},
        {completed_with(R"({"outputs":[]})"), decode_error::result_without_output},
        {completed_with(R"({"output":[1]})"), decode_error::output_entry_not_object},
        {completed_with(R"({"outputs":["row"]})"), decode_error::outputs_entry_not_object},
        {completed_with(R"({"outputs":[{"input":[]}]})"), decode_error::result_without_output},
        {completed_with(R"({"output":[{"contents":"text"}]})"), decode_error::contents_not_array},
        {completed_with(R"({"output":[{"contents":[5]}]})"), decode_error::utterance_not_object},
        {completed_with(R"({"input":[null],"output":[]})"), decode_error::utterance_not_object},
        {completed_with(R"({"output":[{"labels":[{"span":[-1,3]}]}]})"),
         decode_error::span_not_offsets},
        {completed_with(R"({"output":[{"labels":[{"span":[0,2.5]}]}]})"),
         decode_error::span_not_offsets},
    };
    for (const auto& [text, expected] : shapes) {
        SCOPED_TRACE(text);
        EXPECT_EQ(refusal_of<task_status>(text), expected);
        // The client's entry point: a bad_response, and the reason in the diagnostics.
        diagnostics diag;
        auto read =
            without_exception([&] { return read_task_status(text, result_decoding::typed, diag); });
        ASSERT_FALSE(read);
        EXPECT_EQ(read.error(), errc::bad_response);
        EXPECT_EQ(diag.message, make_error_code(expected).message());
    }
    EXPECT_EQ(refusal_of<label>("5"), decode_error::label_not_object);
    EXPECT_EQ(refusal_of<utterance>(R"("text")"), decode_error::utterance_not_object);
    EXPECT_EQ(refusal_of<step_output>("[]"), decode_error::output_entry_not_object);
    EXPECT_EQ(refusal_of<result>("null"), decode_error::result_not_object);
}

TEST(ResultConversion, TheMessagesAreTheOnesTheClientAlwaysGave) {
    EXPECT_EQ(make_error_code(decode_error::completed_without_result).message(),
              "a COMPLETED task has no result");
    EXPECT_EQ(make_error_code(decode_error::result_without_output).message(),
              "the result has no 'output' array");
    EXPECT_EQ(make_error_code(decode_error::status_without_status).message(),
              "the task status has no 'status'");
    diagnostics diag;
    auto read = read_task_status(R"({"status": "QUEU)", result_decoding::typed, diag);
    EXPECT_EQ(read.error(), errc::bad_response);
    EXPECT_TRUE(diag.message.starts_with("the body is not valid JSON: ")) << diag.message;
    diagnostics text_only_diag;
    EXPECT_EQ(read_task_status("{}", result_decoding::text_only, text_only_diag).error(),
              errc::bad_response);
    EXPECT_EQ(text_only_diag.message, "the task status has no 'status'");
    diagnostics sync_diag;
    EXPECT_EQ(read_result(R"({"status":"success"})", sync_diag).error(), errc::bad_response);
    EXPECT_EQ(sync_diag.message, "the result has no 'output' array");
}

TEST(ResultConversion, TheTextOnlyOutlineChecksTheShapeButReadsNoOutputs) {
    // A text_only reading refuses what is not a result, as the typed one does...
    EXPECT_EQ(refusal_of<status_outline>(completed_with(R"({"output":5})")),
              decode_error::result_without_output);
    EXPECT_EQ(refusal_of<result_outline>("[]"), decode_error::result_not_object);
    // ...but does not look inside the outputs.
    auto outline = boost::json::try_value_to<status_outline>(
        boost::json::parse(completed_with(R"({"output":[7],"stats":{"total_running_jobs":4}})")));
    ASSERT_TRUE(outline);
    ASSERT_TRUE(outline->status.result);
    EXPECT_TRUE(outline->status.result->outputs.empty());
    EXPECT_EQ(outline->status.result->stats.total_running_jobs, 4);
}

TEST(ResultConversion, OptionalMembersOfTheWrongTypeReadAsAbsent) {
    auto r = boost::json::try_value_to<result>(boost::json::parse(
        R"({"input_text":7,"stats":"none","output":[{"text_generated_by_step_name":3,
        "text_generated_by_step_id":1.5,"text":"Hi.","labels":[4,{"type":5,"name":"n","value":true,
        "span":"0-3","speaker":1,"data":{"a":1}}]}]})"));
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->input.empty());
    EXPECT_EQ(r->stats.total_running_jobs, 0);
    ASSERT_EQ(r->outputs.size(), 1u);
    EXPECT_EQ(r->outputs[0].step_name, "");
    EXPECT_EQ(r->outputs[0].step_id, 0);
    EXPECT_EQ(r->outputs[0].text(), "Hi.");
    ASSERT_EQ(r->outputs[0].labels.size(), 1u); // the 4 is no label
    const label& l = r->outputs[0].labels[0];
    EXPECT_EQ(l.type, "");
    EXPECT_EQ(l.name, "n");
    EXPECT_TRUE(std::holds_alternative<std::monostate>(l.value));
    EXPECT_FALSE(l.span);
    EXPECT_FALSE(l.speaker);
    EXPECT_EQ(l.data_json, R"({"a":1})");
}

TEST(ResultConversion, RawIsTheTreeTheAnswerWasParsedIntoMovedNotCopied) {
    const std::string text =
        completed_with(R"({"status":"success","output":[],"note":"kept where it was parsed"})");
    auto body = boost::json::parse(text);
    // Where the parse put the result's members: a copy or a second parse
    // would put them elsewhere.
    const boost::json::value* note = &body.at("result").at("note");
    const char* note_chars = note->get_string().data();
    auto s = parse_task_status(std::move(body), text);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->result);
    const boost::json::value& raw = s->result->raw();
    EXPECT_EQ(&raw.at("note"), note);
    EXPECT_EQ(raw.at("note").get_string().data(), note_chars);
    EXPECT_EQ(&s->result->raw(), &raw); // asked again: the same tree
    const result copy = *s->result;     // copies share it
    EXPECT_EQ(&copy.raw(), &raw);
    EXPECT_EQ(s->result->raw_json(),
              R"({"status":"success","output":[],"note":"kept where it was parsed"})");
}

TEST(ResultConversion, CopiesOfASealedTreeComeFromTheHeapNotItsArena) {
    // A JSON value is copied into its source's storage: were the arena a
    // result keeps its tree in still open, every copy a user made of raw()
    // would grow it, unsynchronised, until the result died.
    tree_arena* arena = nullptr;
    boost::json::value tree =
        boost::json::parse(R"({"note":"a note long enough to allocate","list":[1,2,3]})",
                           tree_arena::make(64, &arena));
    arena->seal();
    const std::size_t before = arena->arena_bytes();
    EXPECT_GT(before, 0u);
    for (int i = 0; i < 1000; ++i) {
        const boost::json::value copy = tree;
        ASSERT_EQ(copy.at("note"), "a note long enough to allocate");
    }
    EXPECT_EQ(arena->arena_bytes(), before);
    // A copy outlives the tree it came from.
    boost::json::value kept = tree;
    tree = nullptr;
    EXPECT_EQ(kept.at("list").as_array().size(), 3u);
}

TEST(ResultConversion, TheClientsReadKeepsTheTreeItParsed) {
    const std::string text = completed_with(R"({"output":[],"note":"x"})");
    diagnostics diag;
    auto typed = read_task_status(text, result_decoding::typed, diag);
    ASSERT_TRUE(typed);
    // The tree read_task_status parsed (in its shared arena), not one raw()
    // parsed later (which would live in the default storage).
    EXPECT_TRUE(typed->result->raw().storage().is_shared());
    EXPECT_EQ(typed->result->raw().at("note"), "x");
    auto sync = read_result(R"({"output":[],"note":"y"})", diag);
    ASSERT_TRUE(sync);
    EXPECT_TRUE(sync->raw().storage().is_shared());
    // A batch's reading keeps the text only: raw() parses it when asked.
    auto text_only = read_task_status(text, result_decoding::text_only, diag);
    ASSERT_TRUE(text_only);
    EXPECT_FALSE(text_only->result->raw().storage().is_shared());
    EXPECT_EQ(text_only->result->raw(), typed->result->raw());
}

TEST(ResultConversion, CopiesOfResultsReadRawFromSeveralThreads) {
    const std::string text = completed_with(R"({"output":[],"note":"shared"})");
    diagnostics diag;
    auto typed = read_task_status(text, result_decoding::typed, diag);
    ASSERT_TRUE(typed);
    std::atomic<int> good{0};
    auto copy_raw = [&good](result r) {
        for (int i = 0; i < 2000; ++i) {
            const boost::json::value v = r.raw();
            if (v.at("note") == "shared")
                ++good;
        }
    };
    std::thread a(copy_raw, *typed->result);
    std::thread b(copy_raw, *typed->result);
    a.join();
    b.join();
    EXPECT_EQ(good.load(), 4000);
}

TEST(ResultConversion, ATreeInACallersArenaIsNotKeptPastTheCall) {
    const std::string text = completed_with(R"({"output":[],"note":"z"})");
    std::optional<result> kept;
    {
        unsigned char buffer[1024];
        boost::json::monotonic_resource arena(buffer, sizeof buffer);
        auto s = parse_task_status(boost::json::parse(text, &arena), text);
        ASSERT_TRUE(s);
        kept = std::move(s->result);
    } // the arena is gone: raw() must not point into it
    ASSERT_TRUE(kept);
    EXPECT_FALSE(kept->raw().storage().is_shared());
    EXPECT_EQ(kept->raw().at("note"), "z");
}
