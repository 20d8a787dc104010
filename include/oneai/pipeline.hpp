#pragma once
// A pipeline: the ordered skills to run, built with typed helpers for every
// documented skill (docs/api.md, "Skills") or generic steps.
//
//   auto p = oneai::pipeline{}.summarize({.max_length = 50}).keywords();

#include <cstdint>
#include <oneai/config.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace oneai {

struct summarize_params {
    std::optional<bool> auto_length{};
    std::optional<bool> find_origins{};
    std::optional<int> max_length{};     // words
    std::optional<int> min_length{};     // words
    std::optional<std::string> amount{}; // less, normal, more
};
struct transcribe_params {
    std::optional<bool> speaker_detection{};
    std::optional<bool> timestamp_per_label{};
    std::optional<bool> timestamp_per_word{};
    std::optional<std::string> engine{}; // default, whisper
    std::vector<std::string> expected_languages{};
};
struct html_extract_article_params {
    std::optional<bool> include_headline{};
    std::optional<bool> include_code_inline{};
    std::optional<bool> include_code_block{};
    std::optional<bool> include_references_section{};
};
struct names_params {
    std::optional<bool> enrichment{};
};
struct numbers_params {
    std::optional<std::string> reference_time{}; // yyyy-mm-ddTHH:MM
};
struct amount_params {
    std::optional<std::string> amount{}; // less, normal, more
};
struct headline_params {
    std::optional<std::string> headlines_type{}; // headline, clickbait, subheading
    std::optional<int> variations{};
};
struct gpt_params {
    std::optional<std::string> model{};
    std::optional<std::string> gpt_api_key{};
    std::optional<std::string> input_skill{};
    std::optional<std::string> prompt{};
    std::vector<std::string> prompt_fields{};
    std::optional<std::string> prompt_position{}; // start, end
};
struct clustering_params {
    std::string input_skill{};
    std::string collection{};
};

class ONEAI_API pipeline {
  public:
    using param_value =
        std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>>;
    struct step {
        std::string skill;
        std::vector<std::pair<std::string, param_value>> params;
        /// Raw JSON object of parameters for generic steps; used when non-empty.
        std::string params_json;
        bool operator==(const step&) const = default;
    };

    // Generators (each opens an output of its own)
    pipeline& summarize(summarize_params p = {});
    pipeline& transcribe(transcribe_params p = {});
    pipeline& pdf_extract_text();
    pipeline& html_extract_article(html_extract_article_params p = {});
    pipeline& html_extract_text();
    pipeline& anonymize();
    pipeline& enhance();
    pipeline& business_entities();
    pipeline& gpt(gpt_params p = {});
    // Analyzers (labels on the current text)
    pipeline& action_items();
    pipeline& detect_language();
    pipeline& emotions();
    pipeline& keywords();
    pipeline& names(names_params p = {});
    pipeline& numbers(numbers_params p = {});
    pipeline& highlights(amount_params p = {});
    pipeline& sales_insights();
    pipeline& service_email_insights();
    pipeline& sentiments();
    pipeline& sentences();
    pipeline& dialogue_segmentation(amount_params p = {});
    pipeline& headline(headline_params p = {});
    pipeline& subheading();
    pipeline& article_topics();
    pipeline& clustering(clustering_params p);

    /// Any skill by its API name, with parameters as a JSON object text
    /// (validated when the request is built).
    pipeline& add_step(std::string skill, std::string params_json = "{}");

    /// Lets non-English input through (the service refuses it by default).
    pipeline& multilingual(bool enabled = true);
    /// Overrides the input type sent (article or conversation); empty = inferred.
    pipeline& input_type(std::string type);

    const std::vector<step>& steps() const noexcept { return steps_; }
    bool is_multilingual() const noexcept { return multilingual_; }
    const std::string& input_type_override() const noexcept { return input_type_; }

  private:
    pipeline& add(step s);
    std::vector<step> steps_{};
    bool multilingual_ = false;
    std::string input_type_{};
};

} // namespace oneai
