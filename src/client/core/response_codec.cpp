#include "response_codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <cstring>
#include <stdexcept>

namespace oneai::detail {
namespace json = boost::json;
namespace {

std::string string_or(const json::object& o, std::string_view key, std::string fallback = {}) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::move(fallback);
}

template <typename T>
T number_or(const json::object& o, std::string_view key, T fallback) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_number())
        return fallback;
    // Never throws: a number this type cannot hold exactly (1.5 for an int,
    // 1e300) is as good as absent.
    boost::system::error_code ec;
    const T n = v->to_number<T>(ec);
    return ec ? fallback : n;
}

[[noreturn]] void bad(const std::string& why) {
    throw std::runtime_error(why);
}

std::vector<label::section_span> spans_of(const json::value* v) {
    std::vector<label::section_span> out;
    if (!v || !v->is_array())
        return out;
    for (const auto& s : v->get_array()) {
        if (const auto* o = s.if_object())
            out.push_back({number_or<std::size_t>(*o, "section", 0),
                           number_or<std::size_t>(*o, "start", 0),
                           number_or<std::size_t>(*o, "end", 0)});
    }
    return out;
}

label parse_label(const json::object& o) {
    label l;
    l.type = string_or(o, "type");
    l.skill = string_or(o, "skill");
    l.name = string_or(o, "name");
    if (const auto* v = o.if_contains("value")) {
        if (v->is_string())
            l.value = std::string(v->get_string());
        else if (v->is_number())
            l.value = v->to_number<double>();
    }
    if (const auto* s = o.if_contains("span"); s && s->is_array() && s->get_array().size() == 2 &&
                                               s->get_array()[0].is_number() &&
                                               s->get_array()[1].is_number())
        l.span = std::pair{s->get_array()[0].to_number<std::size_t>(),
                           s->get_array()[1].to_number<std::size_t>()};
    l.span_text = string_or(o, "span_text");
    l.output_spans = spans_of(o.if_contains("output_spans"));
    l.input_spans = spans_of(o.if_contains("input_spans"));
    if (const auto* s = o.if_contains("speaker"); s && s->is_string())
        l.speaker = std::string(s->get_string());
    if (const auto* t = o.if_contains("timestamp"); t && t->is_string())
        l.timestamp = std::string(t->get_string());
    if (const auto* t = o.if_contains("timestamp_end"); t && t->is_string())
        l.timestamp_end = std::string(t->get_string());
    if (const auto* d = o.if_contains("data"); d && !d->is_null())
        l.data_json = json::serialize(*d);
    return l;
}

std::vector<utterance> parse_utterances(const json::value& v) {
    std::vector<utterance> out;
    if (!v.is_array())
        bad("contents is not an array");
    for (const auto& item : v.get_array()) {
        const auto* o = item.if_object();
        if (!o)
            bad("an utterance is not an object");
        utterance u;
        u.text = string_or(*o, "utterance");
        u.speaker = string_or(*o, "speaker");
        if (const auto* ts = o->if_contains("timestamp"); ts && ts->is_string())
            u.timestamp = std::string(ts->get_string());
        out.push_back(std::move(u));
    }
    return out;
}

step_output parse_output(const json::object& o) {
    step_output out;
    out.step_name = string_or(o, "text_generated_by_step_name");
    out.step_id = number_or<int>(o, "text_generated_by_step_id", 0);
    if (const auto* c = o.if_contains("contents"))
        out.contents = parse_utterances(*c);
    else if (const auto* t = o.if_contains("text"); t && t->is_string()) // legacy shape
        out.contents.push_back({{}, std::string(t->get_string()), std::nullopt});
    if (const auto* ls = o.if_contains("labels"); ls && ls->is_array()) {
        for (const auto& l : ls->get_array()) {
            if (const auto* lo = l.if_object())
                out.labels.push_back(parse_label(*lo));
        }
    }
    return out;
}

void parse_stats(const json::object& o, result_stats& stats) {
    if (const auto* s = o.if_contains("stats"); s && s->is_object()) {
        stats.concurrency_wait_time =
            number_or<double>(s->get_object(), "concurrency_wait_time", 0);
        stats.total_running_jobs = number_or<long>(s->get_object(), "total_running_jobs", 0);
        stats.total_waiting_jobs = number_or<long>(s->get_object(), "total_waiting_jobs", 0);
    }
}

// The checks of parse_result_object, without building the outputs.
result parse_result_shape(const json::object& o) {
    const auto* output = o.if_contains("output");
    const auto* rows = o.if_contains("outputs");
    if (!(output && output->is_array()) &&
        !(rows && rows->is_array() && !rows->get_array().empty()))
        bad("the result has no 'output' array");
    result r;
    parse_stats(o, r.stats);
    return r;
}

result parse_result_object(const json::object& o) {
    result r;
    if (const auto* rows = o.if_contains("outputs"); rows && rows->is_array()) {
        for (const auto& row : rows->get_array()) {
            if (!row.is_object())
                bad("an entry of outputs is not an object");
            r.rows.push_back(parse_result_object(row.get_object()));
        }
    }
    if (const auto* in = o.if_contains("input"); in && in->is_array())
        r.input = parse_utterances(*in);
    else if (const auto* t = o.if_contains("input_text"); t && t->is_string())
        r.input.push_back({{}, std::string(t->get_string()), std::nullopt});
    const auto* output = o.if_contains("output");
    if (output && output->is_array()) {
        for (const auto& e : output->get_array()) {
            if (!e.is_object())
                bad("an entry of output is not an object");
            r.outputs.push_back(parse_output(e.get_object()));
        }
    } else if (r.rows.empty()) {
        bad("the result has no 'output' array");
    }
    parse_stats(o, r.stats);
    return r;
}

} // namespace

task_state parse_task_state(std::string_view s) {
    if (s == "QUEUED")
        return task_state::queued;
    if (s == "RUNNING")
        return task_state::running;
    if (s == "COMPLETED")
        return task_state::completed;
    if (s == "FAILED")
        return task_state::failed;
    return task_state::unknown;
}

std::optional<std::string_view> one_line_json(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                             text.back() == '\r'))
        text.remove_suffix(1);
    if (text.empty() || std::memchr(text.data(), '\n', text.size()) ||
        std::memchr(text.data(), '\r', text.size()))
        return std::nullopt;
    return text;
}

std::optional<boost::json::value> parse_json(std::string_view text, std::string& why,
                                             boost::json::storage_ptr storage) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec, std::move(storage));
    if (ec) {
        why = "the body is not valid JSON: " + ec.message();
        return std::nullopt;
    }
    return v;
}

std::optional<std::string> parse_submit_answer(const json::value& body) {
    const auto* o = body.if_object();
    if (!o)
        return std::nullopt;
    std::string id = string_or(*o, "task_id");
    if (id.empty())
        return std::nullopt;
    return id;
}

result parse_result(const json::value& body, std::string_view text, result_decoding how) {
    const auto* o = body.if_object();
    if (!o)
        bad("the result is not an object");
    result r = how == result_decoding::typed ? parse_result_object(*o) : parse_result_shape(*o);
    // As text: the tree may live in a caller's arena. The service's own text
    // is kept when it is one line (JSON Lines output splices it as is);
    // pretty-printed text is written again, compact.
    const auto one_line = one_line_json(text);
    r.set_raw_json(one_line ? std::string(*one_line) : json::serialize(body));
    return r;
}

namespace {

std::size_t skip_space(std::string_view t, std::size_t i) {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t'))
        ++i;
    return i;
}

std::size_t skip_string(std::string_view t, std::size_t i) { // t[i] == '"'
    for (++i; i < t.size(); ++i) {
        // To the next quote or backslash at once: strings are most of the text.
        const auto* at = static_cast<const char*>(std::memchr(t.data() + i, '"', t.size() - i));
        if (!at)
            return t.size();
        const auto* escape =
            static_cast<const char*>(std::memchr(t.data() + i, '\\', at - (t.data() + i)));
        if (!escape)
            return static_cast<std::size_t>(at - t.data()) + 1;
        i = static_cast<std::size_t>(escape - t.data()) + 1; // skip the escaped character
    }
    return t.size();
}

std::size_t skip_value(std::string_view t, std::size_t i) {
    if (i >= t.size())
        return i;
    if (t[i] == '"')
        return skip_string(t, i);
    if (t[i] == '{' || t[i] == '[') {
        // A table lookup per byte: results are most of a status answer, and
        // most of their bytes are none of the five that matter here.
        static constexpr auto structural = [] {
            std::array<bool, 256> is{};
            for (unsigned char c : {'"', '{', '[', '}', ']'})
                is[c] = true;
            return is;
        }();
        int depth = 0;
        while (i < t.size()) {
            const auto c = static_cast<unsigned char>(t[i]);
            if (!structural[c]) {
                ++i;
                continue;
            }
            if (c == '"') {
                i = skip_string(t, i);
                continue;
            }
            if (c == '{' || c == '[')
                ++depth;
            else if (--depth == 0)
                return i + 1;
            ++i;
        }
        return i;
    }
    while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' &&
           t[i] != '\n' && t[i] != '\r' && t[i] != '\t')
        ++i;
    return i;
}

} // namespace

std::string_view member_text(std::string_view t, std::string_view key) {
    std::size_t i = skip_space(t, 0);
    if (i >= t.size() || t[i] != '{')
        return {};
    std::string_view found;
    for (i = skip_space(t, i + 1); i < t.size() && t[i] == '"';) {
        const std::size_t key_end = skip_string(t, i);
        const std::string_view name = t.substr(i + 1, key_end - i - 2);
        i = skip_space(t, key_end);
        if (i >= t.size() || t[i] != ':')
            return {};
        const std::size_t value = skip_space(t, i + 1);
        i = skip_value(t, value);
        if (name == key) // the last of duplicates, as parsers keep
            found = t.substr(value, i - value);
        i = skip_space(t, i);
        if (i >= t.size() || t[i] != ',')
            return found;
        i = skip_space(t, i + 1);
    }
    return found;
}

task_status parse_task_status(const json::value& body, std::string_view text, result_decoding how) {
    const auto* o = body.if_object();
    if (!o)
        bad("the task status is not an object");
    const auto* status = o->if_contains("status");
    if (!status || !status->is_string())
        bad("the task status has no 'status'");
    task_status s;
    s.task = task(string_or(*o, "task_id"));
    s.status_text = status->get_string();
    s.state = parse_task_state(s.status_text);
    s.creation_time = string_or(*o, "creation_time");
    s.completion_time = string_or(*o, "completion_time");
    if (s.state == task_state::completed) {
        const auto* r = o->if_contains("result");
        if (!r || !r->is_object())
            bad("a COMPLETED task has no result");
        s.result = parse_result(*r, text.empty() ? text : member_text(text, "result"), how);
    } else if (s.state == task_state::failed) {
        // The error is in `error` (as One AI documents it) or in `result` (what its
        // SDKs read): docs/api.md, "Decisions where the service is ambiguous".
        const json::object* err = nullptr;
        if (const auto* e = o->if_contains("error"); e && e->is_object())
            err = &e->get_object();
        else if (const auto* r = o->if_contains("result"); r && r->is_object())
            err = &r->get_object();
        if (err) {
            s.error_code = number_or<int>(*err, "status_code", 0);
            s.error_message = string_or(*err, "message");
            s.error_details = string_or(*err, "details");
        }
    }
    return s;
}

void read_error_body(std::string_view body, diagnostics& diag) {
    std::string why;
    auto v = parse_json(body, why);
    const auto* o = v ? v->if_object() : nullptr;
    if (!o)
        return;
    diag.api_code = number_or<int>(*o, "status_code", diag.api_code);
    diag.message = string_or(*o, "message", diag.message);
    diag.details = string_or(*o, "details", diag.details);
    diag.request_id = string_or(*o, "request_id", diag.request_id);
}

} // namespace oneai::detail
