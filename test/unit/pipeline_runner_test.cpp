// How output[] is built (docs/api.md, "Result shapes") and how labels point
// into their text.

#include "emulator/api_failure.hpp"
#include "emulator/pipeline_request.hpp"
#include "emulator/pipeline_runner.hpp"
#include "emulator/skill_registry.hpp"

#include "../support/sample_files.hpp"

#include <map>
#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

using namespace oneai::emulator::detail;
namespace json = boost::json;

namespace {

const std::string article_text =
    "Maria Lopez met the board in London on Tuesday. The team will publish the full report next "
    "week. "
    "Revenue grew by 12 percent in 2021, and the basic plan costs $10 per month. Customers were "
    "delighted "
    "with the great service. Some were disappointed that the app is slow.";

json::object run(const std::string& body) {
    return run_pipeline(load_request(parse_json_body(body)), {}).result;
}

std::string article_body(const std::string& steps, bool json_shape = true) {
    json::object body{{"input", article_text}, {"steps", json::parse(steps)}};
    if (json_shape)
        body["output_type"] = "json";
    return json::serialize(body);
}

std::string flat_text_of(const json::object& entry) {
    if (const auto* text = entry.if_contains("text"))
        return std::string(text->as_string());
    std::string flat;
    const auto& contents = entry.at("contents").as_array();
    bool conversation = contents.size() > 1 || contents[0].as_object().contains("speaker");
    for (const auto& c : contents) {
        const auto& u = c.as_object();
        if (!conversation)
            return std::string(u.at("utterance").as_string());
        if (const auto* ts = u.if_contains("timestamp"))
            flat += "[" + std::string(ts->as_string()) + "] ";
        flat += std::string(u.at("speaker").as_string()) + ":\n" +
                std::string(u.at("utterance").as_string()) + "\n\n";
    }
    return flat;
}

// Every label's span, span_text and output_spans describe the same characters.
void expect_consistent_spans(const json::object& result) {
    for (const auto& e : result.at("output").as_array()) {
        const auto& entry = e.as_object();
        std::string flat = flat_text_of(entry);
        const auto& contents = entry.at("contents").as_array();
        for (const auto& l : entry.at("labels").as_array()) {
            const auto& label = l.as_object();
            if (label.at("span").is_null())
                continue;
            auto start = label.at("span").as_array()[0].to_number<std::size_t>();
            auto end = label.at("span").as_array()[1].to_number<std::size_t>();
            ASSERT_LE(end, flat.size());
            EXPECT_EQ(flat.substr(start, end - start), label.at("span_text").as_string())
                << json::serialize(label);
            const auto& os = label.at("output_spans").as_array()[0].as_object();
            auto section = os.at("section").to_number<std::size_t>();
            std::string utterance(contents.at(section).as_object().at("utterance").as_string());
            auto s = os.at("start").to_number<std::size_t>(),
                 en = os.at("end").to_number<std::size_t>();
            EXPECT_EQ(utterance.substr(s, en - s), label.at("span_text").as_string());
        }
    }
}

} // namespace

TEST(PipelineRunner, AnalyzersLabelTheInputEntry) {
    auto result = run(article_body(R"([{"skill":"keywords"},{"skill":"names"}])"));
    const auto& output = result.at("output").as_array();
    ASSERT_EQ(output.size(), 1u);
    EXPECT_EQ(output[0].at("text_generated_by_step_name"), "input");
    EXPECT_EQ(output[0].at("text_generated_by_step_id"), 0);
    EXPECT_FALSE(output[0].at("labels").as_array().empty());
    EXPECT_EQ(result.at("status"), "success");
    EXPECT_EQ(result.at("input").as_array()[0].at("utterance").as_string(), article_text);
}

TEST(PipelineRunner, FirstStepGeneratorOmitsTheInputEntry) {
    auto result = run(article_body(R"([{"skill":"summarize"},{"skill":"names"}])"));
    const auto& output = result.at("output").as_array();
    ASSERT_EQ(output.size(), 1u);
    EXPECT_EQ(output[0].at("text_generated_by_step_name"), "summarize");
    EXPECT_EQ(output[0].at("text_generated_by_step_id"), 1);
    // names labels the summary, not the input
    bool has_name = false;
    for (const auto& l : output[0].at("labels").as_array())
        has_name |= l.at("skill") == "names";
    EXPECT_TRUE(has_name);
}

TEST(PipelineRunner, AnalyzerBeforeGeneratorKeepsTheInputEntry) {
    auto result =
        run(article_body(R"([{"skill":"names"},{"skill":"summarize"},{"skill":"keywords"}])"));
    const auto& output = result.at("output").as_array();
    ASSERT_EQ(output.size(), 2u);
    EXPECT_EQ(output[0].at("text_generated_by_step_id"), 0);
    EXPECT_EQ(output[1].at("text_generated_by_step_name"), "summarize");
    EXPECT_EQ(output[1].at("text_generated_by_step_id"), 2);
}

TEST(PipelineRunner, AnalyzerThatFindsNothingBeforeAGeneratorIsOmitted) {
    auto result = run(R"({"input":"The plan works well enough.","output_type":"json",)"
                      R"("steps":[{"skill":"emotions"},{"skill":"enhance"}]})");
    // emotions finds nothing here, so the input entry is left out
    EXPECT_EQ(result.at("output").as_array()[0].at("text_generated_by_step_id"), 2);
}

TEST(PipelineRunner, LegacyShapeUsesInputTextAndText) {
    auto result = run(article_body(R"([{"skill":"keywords"}])", false));
    EXPECT_EQ(result.at("input_text").as_string(), article_text);
    EXPECT_TRUE(result.at("error").is_null());
    EXPECT_EQ(result.at("output").as_array()[0].at("text").as_string(), article_text);
    EXPECT_FALSE(result.contains("input"));
}

TEST(PipelineRunner, SpansAgreeWithTheTextForEverySkill) {
    std::string all_steps = "[";
    for (const auto& skill : all_skills()) {
        if (skill.name == "transcribe" || skill.name == "pdf-extract-text" ||
            skill.name.starts_with("html-"))
            continue; // they need a file or markup as input
        all_steps += std::string(all_steps.size() > 1 ? "," : "") + R"({"skill":")" +
                     std::string(skill.name) + "\"}";
    }
    all_steps += "]";
    expect_consistent_spans(run(article_body(all_steps)));
}

TEST(PipelineRunner, ConversationSpansIncludeTheSpeakerPrefix) {
    auto result = run(
        R"({"input":[{"speaker":"John","utterance":"We will meet Maria Lopez in Paris.","timestamp":"0:00"},)"
        R"({"speaker":"Ann","utterance":"I am delighted, thanks.","timestamp":"0:07"}],)"
        R"("output_type":"json","steps":[{"skill":"names"},{"skill":"action-items"},{"skill":"emotions"}]})");
    expect_consistent_spans(result);
    const auto& labels = result.at("output").as_array()[0].at("labels").as_array();
    ASSERT_FALSE(labels.empty());
    const auto& first = labels[0].as_object();
    EXPECT_EQ(first.at("speaker"), "John");
    // span is in the flattened text, after "[00:00:00.000] John:\n"
    EXPECT_EQ(first.at("span").as_array()[0].to_number<int>() -
                  first.at("output_spans").as_array()[0].at("start").to_number<int>(),
              static_cast<int>(std::string("[00:00:00.000] John:\n").size()));
}

TEST(PipelineRunner, SameInputSameOutput) {
    const std::string body =
        article_body(R"([{"skill":"summarize"},{"skill":"keywords"},{"skill":"highlights"}])");
    EXPECT_EQ(json::serialize(run(body)), json::serialize(run(body)));
}

TEST(PipelineRunner, SummaryIsTheFirstSentenceWithAnOrigin) {
    auto result = run(article_body(R"([{"skill":"summarize"}])"));
    const auto& entry = result.at("output").as_array()[0];
    EXPECT_EQ(entry.at("contents").as_array()[0].at("utterance"),
              "Maria Lopez met the board in London on Tuesday.");
    const auto& origin = entry.at("labels").as_array()[0];
    EXPECT_EQ(origin.at("skill"), "origin");
    EXPECT_EQ(origin.at("input_spans").as_array()[0].at("end"), 47);
}

TEST(PipelineRunner, LabelShapesFollowTheSpec) {
    auto result = run(article_body(
        R"([{"skill":"keywords"},{"skill":"names"},{"skill":"numbers"},{"skill":"sentiments"},)"
        R"({"skill":"emotions"},{"skill":"detect-language"},{"skill":"article-topics"},{"skill":"action-items"}])"));
    std::map<std::string, std::set<std::string>> names_by_type;
    for (const auto& l : result.at("output").as_array()[0].at("labels").as_array())
        names_by_type[std::string(l.at("type").as_string())].insert(
            std::string(l.at("name").as_string()));
    EXPECT_TRUE(names_by_type["name"].contains("PERSON"));
    EXPECT_TRUE(names_by_type["name"].contains("GEO"));
    EXPECT_TRUE(names_by_type["number"].contains("MONEY"));
    EXPECT_TRUE(names_by_type["number"].contains("DATE"));
    EXPECT_TRUE(names_by_type["sentiment"].contains("POS"));
    EXPECT_TRUE(names_by_type["sentiment"].contains("NEG"));
    EXPECT_TRUE(names_by_type["emotion"].contains("happiness"));
    EXPECT_TRUE(names_by_type["detect-language"].contains("language"));
    EXPECT_FALSE(names_by_type["topic"].empty());
    EXPECT_TRUE(names_by_type["action-item"].contains("Action item"));
    EXPECT_FALSE(names_by_type["keyword"].empty());
}

TEST(PipelineRunner, GeneratorsRewriteTheirText) {
    auto anonymized = run(article_body(R"([{"skill":"anonymize"}])"));
    const auto& a = anonymized.at("output").as_array()[0];
    EXPECT_EQ(a.at("text_generated_by_step_name"), "anonymize");
    std::string text(a.at("contents").as_array()[0].at("utterance").as_string());
    EXPECT_EQ(text.find("Maria Lopez"), std::string::npos);
    EXPECT_NE(text.find("***"), std::string::npos);
    EXPECT_EQ(a.at("labels").as_array()[0].at("value"), "Maria Lopez");
    expect_consistent_spans(anonymized);

    auto enhanced = run(
        R"({"input":"i think the the plan works. it does.","output_type":"json","steps":[{"skill":"enhance"}]})");
    EXPECT_EQ(enhanced.at("output").as_array()[0].at("contents").as_array()[0].at("utterance"),
              "I think the plan works. It does.");
    expect_consistent_spans(enhanced);
}

TEST(PipelineRunner, TranscribeMakesATimedConversation) {
    auto stored = parse_upload(
        R"({"content_type":"audio/wav","output_type":"json","steps":[{"skill":"transcribe","params":{"timestamp_per_word":true}},{"skill":"summarize"}]})",
        oneai::test::make_wav(10));
    auto outcome = run_pipeline(load_request(stored), {});
    EXPECT_NEAR(outcome.media_seconds, 10.0, 0.01);
    const auto& output = outcome.result.at("output").as_array();
    ASSERT_EQ(output.size(), 2u);
    EXPECT_EQ(output[0].at("text_generated_by_step_name"), "transcribe");
    const auto& contents = output[0].at("contents").as_array();
    EXPECT_GE(contents.size(), 2u);
    EXPECT_EQ(contents[0].at("speaker"), "speaker 0");
    EXPECT_EQ(contents[0].at("timestamp"), "00:00:00.000");
    const auto& word = output[0].at("labels").as_array().at(0);
    EXPECT_EQ(word.at("type"), "word");
    EXPECT_TRUE(word.as_object().contains("timestamp_end"));
    // the top-level input is the transcript
    EXPECT_EQ(outcome.result.at("input").as_array().size(), contents.size());
    expect_consistent_spans(outcome.result);
}

TEST(PipelineRunner, PdfAndHtmlExtraction) {
    auto pdf = run_pipeline(
        load_request(parse_upload(
            R"({"content_type":"application/pdf","output_type":"json","steps":[{"skill":"pdf-extract-text"}]})",
            oneai::test::make_pdf("Quarterly report for the board"))),
        {});
    EXPECT_EQ(pdf.result.at("output").as_array()[0].at("contents").as_array()[0].at("utterance"),
              "Quarterly report for the board");

    auto html = run(
        R"({"input":"<html><head><title>News</title><script>x()</script></head><body><p>First &amp; second.</p></body></html>","output_type":"json","steps":[{"skill":"html-extract-article"}]})");
    const auto& entry = html.at("output").as_array()[0];
    EXPECT_EQ(entry.at("contents").as_array()[0].at("utterance"), "News\n\nFirst & second.");
    EXPECT_EQ(entry.at("labels").as_array()[0].at("name"), "title");
}

TEST(PipelineRunner, UnreachableUrlFailsWith50001) {
    auto request = load_request(parse_json_body(
        R"({"input":"https://host.invalid/page","steps":[{"skill":"summarize"}]})"));
    try {
        run_pipeline(request, {});
        FAIL() << "expected a failure";
    } catch (const oneai::emulator::detail::api_failure& f) {
        EXPECT_EQ(f.error().code, 50001);
    }
    auto fetched = run(
        R"({"input":"https://example.com/story","output_type":"json","steps":[{"skill":"summarize"}]})");
    EXPECT_FALSE(
        std::string(fetched.at("input").as_array()[0].at("utterance").as_string()).empty());
}

TEST(PipelineRunner, CsvRowsBecomeOutputs) {
    auto result = run_pipeline(
        load_request(parse_upload(
            R"({"content_type":"text/csv","csv_params":{"columns":[false,"input"],"skip_rows":1},"output_type":"json","steps":[{"skill":"keywords"}]})",
            "id,text\n1,Paris is lovely in spring\n2,\"The board, again, met\"\n")),
        {});
    const auto& outputs = result.result.at("outputs").as_array();
    ASSERT_EQ(outputs.size(), 2u);
    EXPECT_EQ(outputs[1].at("input").as_array()[0].at("utterance"), "The board, again, met");
}

TEST(PipelineRunner, WeekdaysAndMonthsAreNotNames) {
    auto result = run(
        R"({"input":"The board met Maria Lopez on Tuesday in March.","output_type":"json","steps":[{"skill":"names"}]})");
    std::vector<std::string> names;
    for (const auto& l : result.at("output").as_array()[0].at("labels").as_array())
        names.emplace_back(l.at("value").as_string());
    EXPECT_EQ(names, std::vector<std::string>{"Maria Lopez"});
}
