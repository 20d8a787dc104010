#include "label.hpp"

#include <boost/json/array.hpp>

namespace oneai::emulator::detail {
namespace {

boost::json::object range_to_json(const text_range& r) {
    return {{"section", r.section}, {"start", r.start}, {"end", r.end}};
}

} // namespace

boost::json::object label_to_json(const label& l, const text_document& doc) {
    boost::json::object out;
    out["type"] = l.type;
    out["skill"] = l.skill;
    out["name"] = l.name;
    if (const auto* s = std::get_if<std::string>(&l.value))
        out["value"] = *s;
    else if (const auto* d = std::get_if<double>(&l.value))
        out["value"] = *d;
    else
        out["value"] = nullptr;
    const bool has_range = l.range.has_value();
    const utterance* u = has_range ? &doc.utterances().at(l.range->section) : nullptr;
    if (u && u->has_speaker)
        out["speaker"] = u->speaker;
    else
        out["speaker"] = nullptr;
    if (l.data.empty())
        out["data"] = nullptr;
    else
        out["data"] = l.data;
    if (has_range) {
        const std::size_t offset = doc.flat_offset(l.range->section);
        out["span_text"] = doc.slice(*l.range);
        out["span"] = boost::json::array{offset + l.range->start, offset + l.range->end};
        out["output_spans"] = boost::json::array{range_to_json(*l.range)};
    } else {
        out["span_text"] = nullptr;
        out["span"] = nullptr;
        out["output_spans"] = nullptr;
    }
    if (l.input_spans.empty()) {
        out["input_spans"] = nullptr;
    } else {
        boost::json::array spans;
        for (const auto& r : l.input_spans)
            spans.push_back(range_to_json(r));
        out["input_spans"] = std::move(spans);
    }
    out["origin"] = nullptr;
    if (!l.timestamp.empty())
        out["timestamp"] = l.timestamp;
    if (!l.timestamp_end.empty())
        out["timestamp_end"] = l.timestamp_end;
    return out;
}

} // namespace oneai::emulator::detail
