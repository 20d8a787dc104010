#pragma once

#include <cstdint>
#include <oneai/config.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace oneai {

/// Parameters of pipeline::summarize(). Unset fields keep the service's defaults.
struct summarize_params {
    std::optional<bool> auto_length{};   ///< let the service choose the length
    std::optional<bool> find_origins{};  ///< add `origin` labels pointing into the input
    std::optional<int> max_length{};     ///< words
    std::optional<int> min_length{};     ///< words
    std::optional<std::string> amount{}; ///< less, normal, more
};
/// Parameters of pipeline::transcribe(). Unset fields keep the service's defaults.
struct transcribe_params {
    std::optional<bool> speaker_detection{};   ///< tell speakers apart
    std::optional<bool> timestamp_per_label{}; ///< a timestamp on each label
    std::optional<bool> timestamp_per_word{};  ///< a label with a timestamp per word
    std::optional<std::string> engine{};       ///< default, whisper
    /// Languages the recording may be in (the service's names); empty = any.
    std::vector<std::string> expected_languages{};
};
/// Parameters of pipeline::html_extract_article(). Unset fields keep the
/// service's defaults.
struct html_extract_article_params {
    std::optional<bool> include_headline{};           ///< keep the page's headline
    std::optional<bool> include_code_inline{};        ///< keep inline code
    std::optional<bool> include_code_block{};         ///< keep code blocks
    std::optional<bool> include_references_section{}; ///< keep the references section
};
/// Parameters of pipeline::names().
struct names_params {
    std::optional<bool> enrichment{}; ///< add data about the names found (a place's type)
};
/// Parameters of pipeline::numbers().
struct numbers_params {
    /// The time relative dates are read against, as yyyy-mm-ddTHH:MM.
    std::optional<std::string> reference_time{};
};
/// The `amount` parameter of pipeline::highlights() and
/// pipeline::dialogue_segmentation().
struct amount_params {
    std::optional<std::string> amount{}; ///< less, normal, more
};
/// Parameters of pipeline::headline().
struct headline_params {
    std::optional<std::string> headlines_type{}; ///< headline, clickbait, subheading
    std::optional<int> variations{};             ///< how many headlines to write
};
/// Parameters of pipeline::gpt(). Unset fields keep the service's defaults.
struct gpt_params {
    std::optional<std::string> model{}; ///< the language model the service uses
    /// The caller's own key for the model's provider. It travels in the
    /// pipeline's JSON (the request body): keep it out of pipelines you print
    /// or share.
    std::optional<std::string> gpt_api_key{};
    std::optional<std::string> input_skill{};     ///< the earlier step whose output is the input
    std::optional<std::string> prompt{};          ///< the instruction given with the input
    std::vector<std::string> prompt_fields{};     ///< fields of the input put into the prompt
    std::optional<std::string> prompt_position{}; ///< start, end
};
/// Parameters of pipeline::clustering(); both are required.
struct clustering_params {
    std::string input_skill{}; ///< the earlier step whose output is clustered
    std::string collection{};  ///< the service-side collection the items join
};

/// A pipeline: the ordered skills to run, built with typed helpers for every
/// documented skill (docs/api.md, "Skills") or generic steps.
///
///     auto p = oneai::pipeline{}.summarize({.max_length = 50}).keywords();
///
/// Each helper appends one step and returns the pipeline, so calls chain.
/// Generators produce a new text, an output of its own; analyzers add labels to
/// the current text (the input, or the last generator's text). A plain value:
/// copy it, share it between threads read-only, reuse it for many runs.
class ONEAI_API pipeline {
  public:
    /// A parameter value as it is written into the request's JSON.
    using param_value =
        std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>>;
    /// One skill of the pipeline, with its parameters.
    struct step {
        std::string skill; ///< the API's name of the skill ("summarize", "action-items")
        /// The parameters that were set, in order; unset ones are not sent.
        std::vector<std::pair<std::string, param_value>> params;
        /// Raw JSON object of parameters for generic steps; used when non-empty.
        std::string params_json;
        /// The same skill with the same parameters.
        bool operator==(const step&) const = default;
    };

    // Generators (each opens an output of its own)

    /// A summary of the current text.
    pipeline& summarize(summarize_params p = {});
    /// The text of an audio or video file (a file_input or a URL).
    pipeline& transcribe(transcribe_params p = {});
    /// The text of a PDF.
    pipeline& pdf_extract_text();
    /// The readable article of an HTML page: title and body, without navigation.
    pipeline& html_extract_article(html_extract_article_params p = {});
    /// All the text of an HTML page.
    pipeline& html_extract_text();
    /// The text with people's names, e-mail addresses and phone numbers masked.
    pipeline& anonymize();
    /// The text with its spelling and transcription slips corrected.
    pipeline& enhance();
    /// Business entities (prices, products, companies) as labels on a new text.
    pipeline& business_entities();
    /// A large language model's answer to a prompt about the text.
    pipeline& gpt(gpt_params p = {});

    // Analyzers (labels on the current text)

    /// Sentences that ask someone to do something.
    pipeline& action_items();
    /// The language of the text.
    pipeline& detect_language();
    /// Words that express emotions.
    pipeline& emotions();
    /// The text's most important words, with a relevance each.
    pipeline& keywords();
    /// Names of people, organisations and places.
    pipeline& names(names_params p = {});
    /// Numbers, amounts of money and dates.
    pipeline& numbers(numbers_params p = {});
    /// The most important sentences.
    pipeline& highlights(amount_params p = {});
    /// Signals of a sales conversation (interest, objections, pricing talk).
    pipeline& sales_insights();
    /// Signals of a customer service e-mail (requests, complaints, urgency).
    pipeline& service_email_insights();
    /// Positive and negative sentences.
    pipeline& sentiments();
    /// Sentence boundaries.
    pipeline& sentences();
    /// A conversation split into segments by topic.
    pipeline& dialogue_segmentation(amount_params p = {});
    /// Headlines for the text.
    pipeline& headline(headline_params p = {});
    /// A subheading per paragraph.
    pipeline& subheading();
    /// The topics the text is about.
    pipeline& article_topics();
    /// Adds the text to a collection of similar items kept by the service.
    pipeline& clustering(clustering_params p);

    /// Any skill by its API name, with parameters as a JSON object text
    /// (validated when the request is built).
    pipeline& add_step(std::string skill, std::string params_json = "{}");

    /// Lets non-English input through (the service refuses it by default).
    pipeline& multilingual(bool enabled = true);
    /// Overrides the input type sent (article or conversation); empty = inferred.
    pipeline& input_type(std::string type);

    /// The steps in the order they run.
    const std::vector<step>& steps() const noexcept { return steps_; }
    /// Whether multilingual() was set.
    bool is_multilingual() const noexcept { return multilingual_; }
    /// The input type set with input_type(); empty when it is inferred.
    const std::string& input_type_override() const noexcept { return input_type_; }

  private:
    pipeline& add(step s);
    std::vector<step> steps_{};
    bool multilingual_ = false;
    std::string input_type_{};
};

} // namespace oneai
