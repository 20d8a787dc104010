#include "skill_registry.hpp"

#include "skills/skill_functions.hpp"

#include <array>

namespace oneai::emulator::detail {
namespace {

using enum skill_kind;

// anonymize and business-entities are generators, as One AI's documentation says.
constexpr std::array registry = {
    skill_definition{"summarize", generator, skills::summarize},
    skill_definition{"transcribe", generator, skills::transcribe},
    skill_definition{"pdf-extract-text", generator, skills::pdf_extract_text},
    skill_definition{"html-extract-article", generator, skills::html_extract_article},
    skill_definition{"html-extract-text", generator, skills::html_extract_text},
    skill_definition{"anonymize", generator, skills::anonymize},
    skill_definition{"enhance", generator, skills::enhance},
    skill_definition{"business-entities", generator, skills::business_entities},
    skill_definition{"action-items", analyzer, skills::action_items},
    skill_definition{"detect-language", analyzer, skills::detect_language},
    skill_definition{"emotions", analyzer, skills::emotions},
    skill_definition{"keywords", analyzer, skills::keywords},
    skill_definition{"names", analyzer, skills::names},
    skill_definition{"numbers", analyzer, skills::numbers},
    skill_definition{"highlights", analyzer, skills::highlights},
    skill_definition{"sales-insights", analyzer, skills::sales_insights},
    skill_definition{"service-email-insights", analyzer, skills::service_email_insights},
    skill_definition{"sentiments", analyzer, skills::sentiments},
    skill_definition{"sentences", analyzer, skills::sentences},
    skill_definition{"dialogue-segmentation", analyzer, skills::dialogue_segmentation},
    skill_definition{"headline", analyzer, skills::headline},
    skill_definition{"subheading", analyzer, skills::subheading},
    skill_definition{"article-topics", analyzer, skills::article_topics},
};

} // namespace

const skill_definition* find_skill(std::string_view name) {
    for (const auto& skill : registry) {
        if (skill.name == name)
            return &skill;
    }
    return nullptr;
}

std::span<const skill_definition> all_skills() {
    return registry;
}

} // namespace oneai::emulator::detail
