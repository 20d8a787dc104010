#include "pipeline_request.hpp"

#include "api_failure.hpp"
#include "base64.hpp"
#include "skill_registry.hpp"
#include "time_text.hpp"
#include "utf8_text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>

namespace oneai::emulator::detail {
namespace json = boost::json;
namespace {

[[noreturn]] void reject(int code, std::string details) {
    throw api_failure(code, std::move(details));
}

json::value parse_json_or_reject(std::string_view text, const char* what) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec)
        reject(40008, std::string(what) + " is not valid JSON: " + ec.message());
    return v;
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
    std::string lower =
        to_lower_ascii(haystack.substr(0, std::min<std::size_t>(haystack.size(), 4096)));
    return lower.find(needle) != std::string::npos;
}

bool looks_like_audio(std::string_view b) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(b[i]); };
    if (b.size() >= 12 && starts_with(b, "RIFF") && b.substr(8, 4) == "WAVE")
        return true;
    if (starts_with(b, "ID3") || starts_with(b, "OggS") || starts_with(b, "fLaC"))
        return true;
    if (b.size() >= 2 && byte(0) == 0xFF && (byte(1) & 0xE0) == 0xE0) // MPEG frame sync
        return true;
    return b.size() >= 8 && b.substr(4, 4) == "ftyp"; // mp4 / m4a
}

bool is_url(std::string_view s) {
    return (starts_with(s, "http://") || starts_with(s, "https://")) && s.size() > 8 &&
           std::none_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\n'; });
}

bool looks_like_html(std::string_view s) {
    auto first = s.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && s[first] == '<' &&
           (contains_ci(s, "<html") || contains_ci(s, "<body") || contains_ci(s, "<!doctype html"));
}

// Share of non-ASCII bytes among the letters: a crude but deterministic stand-in
// for language detection, so that non-English input can be refused with 40001.
bool looks_non_english(std::string_view s) {
    std::size_t letters = 0, foreign = 0;
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (u >= 0x80) {
            ++foreign;
            ++letters;
        } else if ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') {
            ++letters;
        }
    }
    return letters > 0 && foreign * 10 > letters * 3;
}

// Media offsets beyond this (about 31 years) are nonsense, and checking the
// bound before converting keeps huge numbers (1e300, 2^63) away from the
// float-to-integer conversion, where they would be undefined behaviour.
constexpr double max_timestamp_seconds = 1e9;

// Numbers in params beyond 2^53 are not exact in JSON clients, and no skill
// takes one; refusing them keeps every later conversion defined.
constexpr double max_param_magnitude = 9007199254740992.0;

bool looks_like_media_offset(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789:.") == std::string_view::npos;
}

std::string normalise_timestamp(const json::value& ts) {
    if (ts.is_number()) {
        double seconds = ts.to_number<double>();
        if (seconds < 0)
            reject(40004, "utterance timestamp must not be negative");
        if (!(seconds <= max_timestamp_seconds)) // NaN fails this too
            reject(40008, "utterance timestamp is out of range (at most 1e9 seconds)");
        return format_media_offset(
            std::chrono::milliseconds{static_cast<long long>(seconds * 1000)});
    }
    if (ts.is_string()) {
        std::string_view text = ts.get_string();
        if (auto offset = parse_media_offset(text)) {
            if (*offset > std::chrono::seconds{static_cast<long long>(max_timestamp_seconds)})
                reject(40008, "utterance timestamp is out of range (at most 1e9 seconds)");
            return format_media_offset(*offset);
        }
        if (looks_like_media_offset(text)) // digits that overflow, or too many parts
            reject(40008, "utterance timestamp '" + std::string(text) + "' is out of range");
        return std::string(text);
    }
    if (ts.is_null())
        return {};
    reject(40004, "utterance timestamp must be a string or a number");
}

// Every number anywhere in `v` must lie within ±2^53.
void check_numbers_in_range(const json::value& v, const std::string& where) {
    if (v.is_number()) {
        const double magnitude = std::abs(v.to_number<double>());
        if (!(magnitude <= max_param_magnitude))
            reject(40008, where + " is out of range (numbers must lie within ±2^53)");
    } else if (const auto* o = v.if_object()) {
        for (const auto& [name, item] : *o)
            check_numbers_in_range(item, where + "." + std::string(name));
    } else if (const auto* a = v.if_array()) {
        for (std::size_t i = 0; i < a->size(); ++i)
            check_numbers_in_range((*a)[i], where + "[" + std::to_string(i) + "]");
    }
}

// The rows run_csv turns into results: the lines after skip_rows, at most
// max_rows. Counted with memchr-speed scans, since this runs on every poll.
std::size_t csv_rows_to_process(std::string_view input, const json::object& csv_params) {
    auto int_field = [&](const char* name, long long fallback) {
        const auto* v = csv_params.if_contains(name);
        return v && v->is_int64() ? v->get_int64() : fallback;
    };
    std::size_t lines = static_cast<std::size_t>(std::count(input.begin(), input.end(), '\n'));
    if (!input.empty() && input.back() != '\n')
        ++lines;
    const long long skip = int_field("skip_rows", 0);
    const long long max_rows = int_field("max_rows", -1);
    std::size_t rows = skip <= 0 ? lines
                       : static_cast<unsigned long long>(skip) >= lines
                           ? 0
                           : lines - static_cast<std::size_t>(skip);
    if (max_rows >= 0)
        rows = std::min(rows, static_cast<std::size_t>(max_rows));
    return rows;
}

std::vector<utterance> parse_conversation(const json::value& v) {
    if (!v.is_array())
        reject(40004, "a conversation must be an array of {speaker, utterance, timestamp}");
    const auto& items = v.get_array();
    if (items.empty())
        reject(40002, "the conversation has no utterances");
    std::vector<utterance> out;
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto* item = items[i].if_object();
        const json::value* text = item ? item->if_contains("utterance") : nullptr;
        if (!text || !text->is_string())
            reject(40004,
                   "conversation item " + std::to_string(i) + " needs an 'utterance' string");
        utterance u;
        u.text = text->get_string();
        u.has_speaker = true;
        u.speaker = "speaker";
        if (const auto* sp = item->if_contains("speaker")) {
            if (!sp->is_string())
                reject(40004,
                       "conversation item " + std::to_string(i) + ": 'speaker' must be a string");
            u.speaker = sp->get_string();
        }
        if (const auto* ts = item->if_contains("timestamp"))
            u.timestamp = normalise_timestamp(*ts);
        out.push_back(std::move(u));
    }
    return out;
}

json::array conversation_to_json(const std::vector<utterance>& conversation) {
    json::array out;
    for (const auto& u : conversation) {
        json::object item{{"speaker", u.speaker}, {"utterance", u.text}};
        if (!u.timestamp.empty())
            item["timestamp"] = u.timestamp;
        out.push_back(std::move(item));
    }
    return out;
}

std::vector<pipeline_step> parse_steps(const json::object& fields) {
    const json::value* steps = fields.if_contains("steps");
    if (!steps || !steps->is_array())
        reject(40008, "'steps' is required and must be an array of {skill, params}");
    if (steps->get_array().empty())
        reject(40008, "'steps' must name at least one skill");
    std::vector<pipeline_step> out;
    std::size_t i = 0;
    for (const auto& s : steps->get_array()) {
        const std::string where = "steps[" + std::to_string(i++) + "]";
        const auto* step = s.if_object();
        if (!step)
            reject(40008, where + " must be an object");
        const json::value* skill = step->if_contains("skill");
        if (!skill || !skill->is_string())
            reject(40008, where + " needs a 'skill' string");
        if (!find_skill(skill->get_string()))
            reject(40003, "unknown skill '" + std::string(skill->get_string()) + "' in " + where);
        pipeline_step parsed{std::string(skill->get_string()), {}};
        if (const auto* params = step->if_contains("params"); params && !params->is_null()) {
            if (!params->is_object())
                reject(40008, where + ".params must be an object");
            parsed.params = params->get_object();
            check_numbers_in_range(*params, where + ".params");
        }
        out.push_back(std::move(parsed));
    }
    return out;
}

void check_optional_string(const json::object& fields, const char* name) {
    if (const auto* v = fields.if_contains(name); v && !v->is_null() && !v->is_string())
        reject(40008, std::string("'") + name + "' must be a string");
}

// The input kinds a content type stands for; the body must match it (40009).
input_kind kind_for_content_type(std::string_view type, std::string_view bytes) {
    if (starts_with(type, "audio/") || type == "video/mp4") {
        if (!looks_like_audio(bytes))
            reject(40009, "content_type is " + std::string(type) + " but the input is not audio");
        return input_kind::audio;
    }
    if (type == "text/pdf" || type == "application/pdf") {
        if (!starts_with(bytes, "%PDF-"))
            reject(40009, "content_type is " + std::string(type) + " but the input is not a PDF");
        return input_kind::pdf;
    }
    if (type == "text/csv")
        return input_kind::csv;
    if (type == "application/json")
        return input_kind::conversation;
    if (type.empty() || type == "text/plain" || type == "text/html" || type == "text/uri-list")
        return input_kind::text;
    reject(40005, "content_type '" + std::string(type) + "' is not supported");
}

void check_first_step(const pipeline_request& r) {
    const std::string& first = r.steps.front().skill;
    if (r.kind == input_kind::audio && first != "transcribe")
        reject(40011, "audio input must start with the 'transcribe' skill, not '" + first + "'");
    if (r.kind == input_kind::pdf && first != "pdf-extract-text")
        reject(40003,
               "PDF input must start with the 'pdf-extract-text' skill, not '" + first + "'");
    for (std::size_t i = 0; i < r.steps.size(); ++i) {
        const std::string& s = r.steps[i].skill;
        if (s == "transcribe" && (i != 0 || r.kind != input_kind::audio))
            reject(40003, "'transcribe' needs audio input and must be the first step");
        if (s == "pdf-extract-text" && (i != 0 || r.kind != input_kind::pdf))
            reject(40003, "'pdf-extract-text' needs PDF input and must be the first step");
    }
    bool html_first = first == "html-extract-article" || first == "html-extract-text";
    if (r.kind == input_kind::text && looks_like_html(r.input) && !html_first)
        reject(40007, "the input is HTML: start the pipeline with 'html-extract-article'");
}

// Checks the request fields and the input together; both endpoints end here.
pipeline_request validate(const json::object& fields, const stored_request& stored,
                          const request_limits& limits) {
    pipeline_request r;
    r.steps = parse_steps(fields);
    check_optional_string(fields, "content_type");
    check_optional_string(fields, "input_type");
    check_optional_string(fields, "output_type");
    if (const auto* t = fields.if_contains("content_type"); t && t->is_string())
        r.content_type = t->get_string();
    if (const auto* o = fields.if_contains("output_type"); o && o->is_string()) {
        if (o->get_string() != "json")
            reject(40008, "'output_type' must be \"json\" or absent");
        r.output_json = true;
    }
    std::string input_type = stored.input_is_conversation_json ? "conversation" : "article";
    if (const auto* t = fields.if_contains("input_type"); t && t->is_string())
        input_type = t->get_string();
    if (input_type != "article" && input_type != "conversation")
        reject(40005, "input_type '" + input_type + "' is not supported (article, conversation)");
    bool multilingual = false;
    if (const auto* m = fields.if_contains("multilingual"); m && !m->is_null()) {
        if (m->is_bool()) {
            multilingual = m->get_bool();
        } else if (const auto* mo = m->if_object()) {
            const auto* enabled = mo->if_contains("enabled");
            if (enabled && !enabled->is_bool())
                reject(40008, "'multilingual.enabled' must be a boolean");
            multilingual = !enabled || enabled->get_bool();
        } else {
            reject(40008, "'multilingual' must be a boolean or an object");
        }
    }
    if (const auto* c = fields.if_contains("csv_params"); c && !c->is_null()) {
        if (!c->is_object())
            reject(40008, "'csv_params' must be an object");
        check_numbers_in_range(*c, "csv_params");
        r.csv_params = c->get_object();
    }

    if (stored.input_is_conversation_json) {
        r.kind = input_kind::conversation;
        r.conversation = parse_conversation(json::parse(stored.input));
    } else {
        if (stored.input.find_first_not_of(" \t\r\n") == std::string::npos)
            reject(40002, "the input is empty");
        r.kind = kind_for_content_type(r.content_type, stored.input);
        if (r.kind == input_kind::conversation) {
            // A conversation file sent as text (content_type application/json).
            boost::system::error_code ec;
            json::value v = json::parse(stored.input, ec);
            if (ec)
                reject(40004, "content_type is application/json but the input is not JSON: " +
                                  ec.message());
            r.conversation = parse_conversation(v);
        } else {
            r.input = stored.input;
            if (r.kind == input_kind::text && is_url(r.input))
                r.kind = input_kind::url;
        }
        // Text comes back in the answer; Boost.JSON writes string bytes as they
        // are, so bytes that are not UTF-8 would make the answer invalid JSON.
        // Audio and PDF bytes never come back as they are.
        if (r.kind != input_kind::audio && r.kind != input_kind::pdf) {
            if (auto bad = first_invalid_utf8(stored.input))
                reject(40008, "the input is not valid UTF-8 (at byte " + std::to_string(*bad) +
                                  "); send binary files with their content_type");
        }
        if (r.kind == input_kind::csv) {
            const std::size_t rows = csv_rows_to_process(r.input, r.csv_params);
            if (rows > limits.max_csv_rows)
                reject(40008, "the CSV file has " + std::to_string(rows) +
                                  " rows to process; at most " +
                                  std::to_string(limits.max_csv_rows) + " are accepted");
        }
    }
    if (input_type == "conversation" && r.kind == input_kind::text && !r.content_type.empty() &&
        r.content_type != "text/plain")
        reject(40004, "input_type is conversation but the input is not a conversation");
    check_first_step(r);
    if (!multilingual) {
        std::string_view probe = r.kind == input_kind::conversation
                                     ? std::string_view(r.conversation.front().text)
                                     : std::string_view(r.input);
        if ((r.kind == input_kind::text || r.kind == input_kind::conversation) &&
            looks_non_english(probe))
            reject(40001, "the input does not look like English; set 'multilingual' to process it");
    }
    return r;
}

json::object without_input(json::object fields) {
    fields.erase("input");
    fields.erase("encoding");
    return fields;
}

} // namespace

stored_request parse_json_body(std::string_view body, const request_limits& limits) {
    json::value v = parse_json_or_reject(body, "the request body");
    auto* fields = v.if_object();
    if (!fields)
        reject(40008, "the request body must be a JSON object");
    const json::value* input = fields->if_contains("input");
    if (!input || input->is_null())
        reject(40008, "'input' is required (text, URL, base64 file data or a conversation)");
    stored_request stored;
    if (input->is_array()) {
        stored.input_is_conversation_json = true;
        // Normalise once, so that a stored conversation re-parses without surprises.
        stored.input = json::serialize(conversation_to_json(parse_conversation(*input)));
    } else if (input->is_string()) {
        stored.input = input->get_string();
        std::string encoding = "utf8";
        if (const auto* e = fields->if_contains("encoding"); e && !e->is_null()) {
            if (!e->is_string())
                reject(40008, "'encoding' must be a string");
            encoding = e->get_string();
        }
        if (encoding == "base64") {
            auto decoded = decode_base64(stored.input);
            if (!decoded)
                reject(40008, "'encoding' is base64 but the input is not valid base64");
            stored.input = std::move(*decoded);
        } else if (encoding != "utf8" && encoding != "ascii") {
            reject(40008, "'encoding' must be utf8, ascii or base64, not '" + encoding + "'");
        }
    } else {
        reject(40008, "'input' must be a string or an array of utterances");
    }
    json::object rest = without_input(std::move(*fields));
    validate(rest, stored, limits);
    stored.fields = json::serialize(rest);
    return stored;
}

stored_request parse_upload(std::string_view pipeline_json, std::string body,
                            const request_limits& limits) {
    if (pipeline_json.empty())
        reject(40008, "the 'pipeline' query parameter is required (URL-encoded pipeline JSON)");
    json::value v = parse_json_or_reject(pipeline_json, "the 'pipeline' query parameter");
    auto* fields = v.if_object();
    if (!fields)
        reject(40008, "the 'pipeline' query parameter must be a JSON object");
    if (body.empty())
        reject(40002, "the uploaded file is empty");
    stored_request stored;
    stored.input = std::move(body);
    json::object rest = without_input(std::move(*fields));
    validate(rest, stored, limits);
    stored.fields = json::serialize(rest);
    return stored;
}

pipeline_request load_request(const stored_request& stored, const request_limits& limits) {
    json::value fields = json::parse(stored.fields);
    return validate(fields.as_object(), stored, limits);
}

std::size_t input_word_count(const stored_request& stored) {
    std::size_t words = 0;
    bool in_word = false;
    for (char c : stored.input) {
        bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (!space && !in_word)
            ++words;
        in_word = !space;
    }
    return words;
}

} // namespace oneai::emulator::detail
