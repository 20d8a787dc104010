// Every documented validation error, with the code the API gives it
// (docs/api.md, "Errors").

#include "emulator/api_failure.hpp"
#include "emulator/pipeline_request.hpp"

#include "../support/sample_files.hpp"

#include <gtest/gtest.h>

using namespace oneai::emulator::detail;

namespace {

// The error code a JSON body is refused with, or 0 when it is accepted.
int refusal_of(const std::string& body) {
    try {
        parse_json_body(body);
        return 0;
    } catch (const api_failure& f) {
        return f.error().code;
    }
}

std::string details_of(const std::string& body) {
    try {
        parse_json_body(body);
    } catch (const api_failure& f) {
        return f.error().details;
    }
    return {};
}

int upload_refusal_of(const std::string& pipeline, std::string body) {
    try {
        parse_upload(pipeline, std::move(body));
        return 0;
    } catch (const api_failure& f) {
        return f.error().code;
    }
}

const std::string keywords = R"("steps":[{"skill":"keywords"}])";

} // namespace

TEST(Validation, AcceptsTheShapesTheSdksSend) {
    EXPECT_EQ(
        refusal_of(
            R"({"input":"hello world","input_type":"article","output_type":"json","multilingual":false,)" +
            keywords + "}"),
        0);
    EXPECT_EQ(
        refusal_of(
            R"({"input":"hello","steps":[{"skill":"keywords","params":{}}],"multilingual":{"enabled":true}})"),
        0);
    EXPECT_EQ(
        refusal_of(
            R"({"input":[{"speaker":"John","utterance":"Hi there","timestamp":"0:00"},{"speaker":"Ann","utterance":"Hello","timestamp":4.5}],)" +
            keywords + "}"),
        0);
    EXPECT_EQ(
        refusal_of(
            R"({"input":"aGVsbG8gd29ybGQ=","encoding":"base64","content_type":"text/plain",)" +
            keywords + "}"),
        0);
}

TEST(Validation, MalformedJsonIs40008WithDetails) {
    EXPECT_EQ(refusal_of("{not json"), 40008);
    EXPECT_NE(details_of("{not json").find("not valid JSON"), std::string::npos);
    EXPECT_EQ(refusal_of("[1,2]"), 40008);
    EXPECT_NE(details_of("[1,2]").find("must be a JSON object"), std::string::npos);
}

TEST(Validation, SchemaErrorsAre40008AndNameTheField) {
    EXPECT_EQ(refusal_of(R"({"steps":[{"skill":"keywords"}]})"), 40008);
    EXPECT_NE(details_of(R"({"steps":[{"skill":"keywords"}]})").find("'input'"), std::string::npos);
    EXPECT_EQ(refusal_of(R"({"input":"x"})"), 40008);
    EXPECT_EQ(refusal_of(R"({"input":"x","steps":[]})"), 40008);
    EXPECT_EQ(refusal_of(R"({"input":"x","steps":{"skill":"keywords"}})"), 40008);
    EXPECT_EQ(refusal_of(R"({"input":"x","steps":[{"params":{}}]})"), 40008);
    EXPECT_NE(
        details_of(R"({"input":"x","steps":[{"skill":"keywords"},{"skill":3}]})").find("steps[1]"),
        std::string::npos);
    EXPECT_EQ(refusal_of(R"({"input":"x","steps":[{"skill":"keywords","params":[1]}]})"), 40008);
    EXPECT_EQ(refusal_of(R"({"input":42,)" + keywords + "}"), 40008);
    EXPECT_EQ(refusal_of(R"({"input":"x","output_type":"xml",)" + keywords + "}"), 40008);
    EXPECT_EQ(refusal_of(R"({"input":"x","multilingual":"yes",)" + keywords + "}"), 40008);
    EXPECT_EQ(refusal_of(R"({"input":"x","encoding":"rot13",)" + keywords + "}"), 40008);
    EXPECT_EQ(refusal_of(R"({"input":"***","encoding":"base64",)" + keywords + "}"), 40008);
}

TEST(Validation, EmptyInputIs40002) {
    EXPECT_EQ(refusal_of(R"({"input":"",)" + keywords + "}"), 40002);
    EXPECT_EQ(refusal_of(R"({"input":"  \n ",)" + keywords + "}"), 40002);
    EXPECT_EQ(refusal_of(R"({"input":[],)" + keywords + "}"), 40002);
}

TEST(Validation, UnknownSkillIs40003) {
    EXPECT_EQ(refusal_of(R"({"input":"x","steps":[{"skill":"telepathy"}]})"), 40003);
    EXPECT_NE(details_of(R"({"input":"x","steps":[{"skill":"telepathy"}]})").find("telepathy"),
              std::string::npos);
}

TEST(Validation, BrokenConversationIs40004) {
    EXPECT_EQ(refusal_of(R"({"input":[{"speaker":"a"}],)" + keywords + "}"), 40004);
    EXPECT_EQ(refusal_of(R"({"input":[{"utterance":"hi","speaker":7}],)" + keywords + "}"), 40004);
    EXPECT_EQ(refusal_of(R"({"input":["hi"],)" + keywords + "}"), 40004);
    EXPECT_EQ(refusal_of(R"({"input":"[{\"utterance\":1}]","content_type":"application/json",)" +
                         keywords + "}"),
              40004);
}

TEST(Validation, UnsupportedInputTypeIs40005) {
    EXPECT_EQ(refusal_of(R"({"input":"x","input_type":"poem",)" + keywords + "}"), 40005);
    EXPECT_EQ(refusal_of(R"({"input":"x","content_type":"image/png",)" + keywords + "}"), 40005);
}

TEST(Validation, HtmlWithoutExtractionIs40007) {
    const std::string html = R"("<!DOCTYPE html><html><body><p>Hi</p></body></html>")";
    EXPECT_EQ(refusal_of(R"({"input":)" + html + "," + keywords + "}"), 40007);
    EXPECT_EQ(refusal_of(R"({"input":)" + html + R"(,"steps":[{"skill":"html-extract-article"}]})"),
              0);
}

TEST(Validation, ContentTypeMismatchIs40009) {
    EXPECT_EQ(
        refusal_of(
            R"({"input":"plain words","content_type":"audio/wav","steps":[{"skill":"transcribe"}]})"),
        40009);
    EXPECT_EQ(
        refusal_of(
            R"({"input":"plain words","content_type":"application/pdf","steps":[{"skill":"pdf-extract-text"}]})"),
        40009);
    EXPECT_EQ(upload_refusal_of(R"({"content_type":"audio/mp3","steps":[{"skill":"transcribe"}]})",
                                "not audio"),
              40009);
}

TEST(Validation, VoiceWithoutTranscribeIs40011) {
    EXPECT_EQ(upload_refusal_of(R"({"content_type":"audio/wav","steps":[{"skill":"summarize"}]})",
                                oneai::test::make_wav(1)),
              40011);
    EXPECT_EQ(
        upload_refusal_of(
            R"({"content_type":"audio/wav","steps":[{"skill":"transcribe"},{"skill":"summarize"}]})",
            oneai::test::make_wav(1)),
        0);
}

TEST(Validation, NonEnglishWithoutMultilingualIs40001) {
    const std::string hebrew =
        "\"\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD7\xA2\xD7\x95\xD7\x9C\xD7\x9D\"";
    EXPECT_EQ(refusal_of(R"({"input":)" + hebrew + "," + keywords + "}"), 40001);
    EXPECT_EQ(refusal_of(R"({"input":)" + hebrew + R"(,"multilingual":true,)" + keywords + "}"), 0);
}

TEST(Validation, UploadsTakeThePipelineFromTheQuery) {
    EXPECT_EQ(upload_refusal_of("", "bytes"), 40008);
    EXPECT_EQ(upload_refusal_of("{oops", "bytes"), 40008);
    EXPECT_EQ(upload_refusal_of(R"({"steps":[{"skill":"keywords"}]})", ""), 40002);
    EXPECT_EQ(upload_refusal_of(R"({"content_type":"text/plain","steps":[{"skill":"keywords"}]})",
                                "some text"),
              0);
}

TEST(Validation, StoredRequestsReloadToTheSameRequest) {
    auto stored = parse_json_body(
        R"({"input":[{"speaker":"A","utterance":"Hi","timestamp":65}],"output_type":"json",)" +
        keywords + "}");
    auto request = load_request(stored);
    EXPECT_EQ(request.kind, input_kind::conversation);
    ASSERT_EQ(request.conversation.size(), 1u);
    EXPECT_EQ(request.conversation[0].timestamp, "00:01:05.000"); // numbers echo as HH:MM:SS.mmm
    EXPECT_TRUE(request.output_json);
    EXPECT_EQ(request.steps.at(0).skill, "keywords");
}
