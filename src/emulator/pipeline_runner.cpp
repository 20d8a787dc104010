#include "pipeline_runner.hpp"

#include "api_failure.hpp"
#include "html_text.hpp"
#include "skill_registry.hpp"

#include <boost/json/array.hpp>

namespace oneai::emulator::detail {
namespace json = boost::json;
namespace {

struct output_entry {
    std::string step_name;
    std::size_t step_id = 0;
    text_document text;
    std::vector<label> labels;
};

json::array contents_to_json(const text_document& doc) {
    json::array out;
    for (const auto& u : doc.utterances()) {
        json::object item;
        if (u.has_speaker)
            item["speaker"] = u.speaker;
        item["utterance"] = u.text;
        if (!u.timestamp.empty())
            item["timestamp"] = u.timestamp;
        out.push_back(std::move(item));
    }
    return out;
}

json::object entry_to_json(const output_entry& e, bool json_shape) {
    json::object out;
    out["text_generated_by_step_name"] = e.step_name;
    out["text_generated_by_step_id"] = e.step_id;
    if (json_shape)
        out["contents"] = contents_to_json(e.text);
    else
        out["text"] = e.text.flat_text();
    json::array labels;
    labels.reserve(e.labels.size());
    for (const auto& l : e.labels)
        labels.push_back(label_to_json(l, e.text));
    out["labels"] = std::move(labels);
    return out;
}

json::object stats_to_json(const queue_snapshot& q) {
    return {{"concurrency_wait_time", q.concurrency_wait_seconds},
            {"total_running_jobs", q.running_jobs},
            {"total_waiting_jobs", q.waiting_jobs}};
}

bool is_extractor(std::string_view skill) {
    return skill == "transcribe" || skill == "pdf-extract-text" ||
           skill == "html-extract-article" || skill == "html-extract-text";
}

// The text the first step sees.
text_document initial_text(const pipeline_request& r) {
    switch (r.kind) {
    case input_kind::conversation:
        return text_document::conversation(r.conversation);
    case input_kind::url: {
        std::string page = fetch_url_standin(r.input);
        if (r.steps.front().skill.starts_with("html-extract"))
            return text_document::article(std::move(page));
        // Like the service, read the page's article when the pipeline does not ask to.
        html_article a = extract_html_article(page);
        return text_document::article(a.title + "\n\n" + a.body);
    }
    default:
        return text_document::article(r.input);
    }
}

struct single_run {
    json::object result;
    double media_seconds = 0;
};

single_run run_steps(const pipeline_request& r, text_document input) {
    std::vector<output_entry> finished;
    output_entry current{"input", 0, input, {}};
    bool input_entry_open = true;
    single_run run;
    const text_document* top_level_input = nullptr;
    std::optional<text_document> extracted;
    for (std::size_t i = 0; i < r.steps.size(); ++i) {
        const auto& step = r.steps[i];
        const skill_definition* skill = find_skill(step.skill);
        skill_output out = skill->run({current.text, step.params, r});
        run.media_seconds += out.media_seconds;
        if (skill->kind == skill_kind::analyzer || !out.generated) {
            std::move(out.labels.begin(), out.labels.end(), std::back_inserter(current.labels));
            continue;
        }
        // A generator opens a new entry. The input entry is left out when no
        // analyzer before the first generator found anything, as the service does.
        if (!input_entry_open || !current.labels.empty())
            finished.push_back(std::move(current));
        if (i == 0 && is_extractor(step.skill))
            extracted = *out.generated;
        input_entry_open = false;
        current = output_entry{step.skill, i + 1, std::move(*out.generated), std::move(out.labels)};
    }
    finished.push_back(std::move(current));
    top_level_input = extracted ? &*extracted : &input;

    const bool json_shape = r.output_json;
    json::object& result = run.result;
    if (json_shape) {
        result["input"] = contents_to_json(*top_level_input);
    } else {
        result["input_text"] = top_level_input->flat_text();
    }
    result["status"] = "success";
    if (!json_shape)
        result["error"] = nullptr;
    json::array output;
    for (const auto& e : finished)
        output.push_back(entry_to_json(e, json_shape));
    result["output"] = std::move(output);
    return run;
}

std::vector<std::string> split_csv_line(std::string_view line) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
                cells.back() += line[++i];
            else if (c == '"')
                quoted = false;
            else
                cells.back() += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            cells.emplace_back();
        } else if (c != '\r') {
            cells.back() += c;
        }
    }
    return cells;
}

// CSV input: one full result per row, under `outputs`.
json::object run_csv(const pipeline_request& r) {
    std::size_t input_column = 0;
    if (const auto* cols = r.csv_params.if_contains("columns"); cols && cols->is_array()) {
        const auto& list = cols->get_array();
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (list[i].is_string() && list[i].get_string() == "input")
                input_column = i;
        }
    }
    auto int_field = [&](const char* name, long long fallback) {
        const auto* v = r.csv_params.if_contains(name);
        return v && v->is_int64() ? v->get_int64() : fallback;
    };
    const long long skip = int_field("skip_rows", 0);
    const long long max_rows = int_field("max_rows", -1);
    json::array outputs;
    std::string_view rest = r.input;
    long long row = 0;
    while (!rest.empty() && (max_rows < 0 || static_cast<long long>(outputs.size()) < max_rows)) {
        std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        if (row++ < skip)
            continue;
        auto cells = split_csv_line(line);
        if (input_column >= cells.size() || cells[input_column].empty())
            continue;
        outputs.push_back(run_steps(r, text_document::article(cells[input_column])).result);
    }
    if (outputs.empty())
        throw api_failure(40002, "the CSV file has no rows with input text");
    return {{"status", "success"}, {"outputs", std::move(outputs)}};
}

} // namespace

pipeline_outcome run_pipeline(const pipeline_request& request, const queue_snapshot& queue) {
    pipeline_outcome outcome;
    if (request.kind == input_kind::csv) {
        outcome.result = run_csv(request);
    } else {
        text_document input = initial_text(request);
        if (request.kind != input_kind::audio && request.kind != input_kind::pdf)
            outcome.input_words = input.word_count();
        single_run run = run_steps(request, std::move(input));
        outcome.result = std::move(run.result);
        outcome.media_seconds = run.media_seconds;
    }
    outcome.result["stats"] = stats_to_json(queue);
    return outcome;
}

} // namespace oneai::emulator::detail
