#include <oneai/pipeline.hpp>

namespace oneai {
namespace {

using params = std::vector<std::pair<std::string, pipeline::param_value>>;

// Adds the parameters that were set; unset ones keep the service's defaults.
template <typename T>
void put(params& out, const char* name, const std::optional<T>& v) {
    if (!v)
        return;
    if constexpr (std::is_same_v<T, int>)
        out.emplace_back(name, static_cast<std::int64_t>(*v));
    else
        out.emplace_back(name, *v);
}

void put(params& out, const char* name, const std::vector<std::string>& v) {
    if (!v.empty())
        out.emplace_back(name, v);
}

pipeline::step plain(const char* skill) {
    return {skill, {}, {}};
}

} // namespace

pipeline& pipeline::add(step s) {
    steps_.push_back(std::move(s));
    return *this;
}

pipeline& pipeline::summarize(summarize_params p) {
    step s = plain("summarize");
    put(s.params, "auto_length", p.auto_length);
    put(s.params, "find_origins", p.find_origins);
    put(s.params, "max_length", p.max_length);
    put(s.params, "min_length", p.min_length);
    put(s.params, "amount", p.amount);
    return add(std::move(s));
}

pipeline& pipeline::transcribe(transcribe_params p) {
    step s = plain("transcribe");
    put(s.params, "speaker_detection", p.speaker_detection);
    put(s.params, "timestamp_per_label", p.timestamp_per_label);
    put(s.params, "timestamp_per_word", p.timestamp_per_word);
    put(s.params, "engine", p.engine);
    put(s.params, "expected_languages", p.expected_languages);
    return add(std::move(s));
}

pipeline& pipeline::html_extract_article(html_extract_article_params p) {
    step s = plain("html-extract-article");
    put(s.params, "include_headline", p.include_headline);
    put(s.params, "include_code_inline", p.include_code_inline);
    put(s.params, "include_code_block", p.include_code_block);
    put(s.params, "include_references_section", p.include_references_section);
    return add(std::move(s));
}

pipeline& pipeline::gpt(gpt_params p) {
    step s = plain("gpt");
    put(s.params, "model", p.model);
    put(s.params, "gpt_api_key", p.gpt_api_key);
    put(s.params, "input_skill", p.input_skill);
    put(s.params, "prompt", p.prompt);
    put(s.params, "prompt_fields", p.prompt_fields);
    put(s.params, "prompt_position", p.prompt_position);
    return add(std::move(s));
}

pipeline& pipeline::names(names_params p) {
    step s = plain("names");
    put(s.params, "enrichment", p.enrichment);
    return add(std::move(s));
}

pipeline& pipeline::numbers(numbers_params p) {
    step s = plain("numbers");
    put(s.params, "reference_time", p.reference_time);
    return add(std::move(s));
}

pipeline& pipeline::highlights(amount_params p) {
    step s = plain("highlights");
    put(s.params, "amount", p.amount);
    return add(std::move(s));
}

pipeline& pipeline::dialogue_segmentation(amount_params p) {
    step s = plain("dialogue-segmentation");
    put(s.params, "amount", p.amount);
    return add(std::move(s));
}

pipeline& pipeline::headline(headline_params p) {
    step s = plain("headline");
    put(s.params, "headlines_type", p.headlines_type);
    put(s.params, "variations", p.variations);
    return add(std::move(s));
}

pipeline& pipeline::clustering(clustering_params p) {
    step s = plain("clustering");
    s.params.emplace_back("input_skill", p.input_skill);
    s.params.emplace_back("collection", p.collection);
    return add(std::move(s));
}

pipeline& pipeline::pdf_extract_text() {
    return add(plain("pdf-extract-text"));
}
pipeline& pipeline::html_extract_text() {
    return add(plain("html-extract-text"));
}
pipeline& pipeline::anonymize() {
    return add(plain("anonymize"));
}
pipeline& pipeline::enhance() {
    return add(plain("enhance"));
}
pipeline& pipeline::business_entities() {
    return add(plain("business-entities"));
}
pipeline& pipeline::action_items() {
    return add(plain("action-items"));
}
pipeline& pipeline::detect_language() {
    return add(plain("detect-language"));
}
pipeline& pipeline::emotions() {
    return add(plain("emotions"));
}
pipeline& pipeline::keywords() {
    return add(plain("keywords"));
}
pipeline& pipeline::sales_insights() {
    return add(plain("sales-insights"));
}
pipeline& pipeline::service_email_insights() {
    return add(plain("service-email-insights"));
}
pipeline& pipeline::sentiments() {
    return add(plain("sentiments"));
}
pipeline& pipeline::sentences() {
    return add(plain("sentences"));
}
pipeline& pipeline::subheading() {
    return add(plain("subheading"));
}
pipeline& pipeline::article_topics() {
    return add(plain("article-topics"));
}

pipeline& pipeline::add_step(std::string skill, std::string params_json) {
    return add(step{std::move(skill), {}, std::move(params_json)});
}

pipeline& pipeline::multilingual(bool enabled) {
    multilingual_ = enabled;
    return *this;
}

pipeline& pipeline::input_type(std::string type) {
    input_type_ = std::move(type);
    return *this;
}

} // namespace oneai
