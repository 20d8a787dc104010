#pragma once
// Entry points of the skill stand-ins; the registry maps API names to them.

#include "../skill_registry.hpp"

namespace oneai::emulator::detail::skills {

// analyzers.cpp
skill_output keywords(const skill_call&);
skill_output names(const skill_call&);
skill_output numbers(const skill_call&);
skill_output sentiments(const skill_call&);
skill_output emotions(const skill_call&);
skill_output detect_language(const skill_call&);
skill_output sentences(const skill_call&);
skill_output article_topics(const skill_call&);

// passages.cpp: analyzers that pick whole sentences or passages
skill_output highlights(const skill_call&);
skill_output headline(const skill_call&);
skill_output subheading(const skill_call&);
skill_output action_items(const skill_call&);
skill_output dialogue_segmentation(const skill_call&);
skill_output sales_insights(const skill_call&);
skill_output service_email_insights(const skill_call&);

// generators.cpp
skill_output summarize(const skill_call&);
skill_output anonymize(const skill_call&);
skill_output enhance(const skill_call&);
skill_output business_entities(const skill_call&);

// extractors.cpp: generators that turn a file or markup into text
skill_output transcribe(const skill_call&);
skill_output pdf_extract_text(const skill_call&);
skill_output html_extract_article(const skill_call&);
skill_output html_extract_text(const skill_call&);

} // namespace oneai::emulator::detail::skills
