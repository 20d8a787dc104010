#include "result_conversion.hpp"

#include "json_members.hpp"
#include "response_codec.hpp"

#include <boost/json/serialize.hpp>

namespace oneai {
namespace json = boost::json;
using detail::decode_error;
using detail::number_or;
using detail::string_if;
using detail::string_or;

namespace {

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

// `span`, when it is two numbers: they must be offsets.
boost::system::result<std::optional<std::pair<std::size_t, std::size_t>>>
span_of(const json::object& o) {
    const auto* s = o.if_contains("span");
    const auto* pair = s ? s->if_array() : nullptr;
    if (!pair || pair->size() != 2 || !(*pair)[0].is_number() || !(*pair)[1].is_number())
        return std::nullopt;
    boost::system::error_code start_ec, end_ec;
    const auto start = (*pair)[0].to_number<std::size_t>(start_ec);
    const auto end = (*pair)[1].to_number<std::size_t>(end_ec);
    if (start_ec || end_ec)
        return make_error_code(decode_error::span_not_offsets);
    return std::pair{start, end};
}

boost::system::result<std::vector<utterance>> utterances_of(const json::value& v) {
    const auto* items = v.if_array();
    if (!items)
        return make_error_code(decode_error::contents_not_array);
    std::vector<utterance> out;
    out.reserve(items->size());
    for (const auto& item : *items) {
        auto u = json::try_value_to<utterance>(item);
        if (!u)
            return u.error();
        out.push_back(std::move(*u));
    }
    return out;
}

result_stats stats_of(const json::object& o) {
    const auto* s = o.if_contains("stats");
    auto read = s ? json::try_value_to<result_stats>(*s) : result_stats{};
    return read ? *read : result_stats{};
}

bool has_output(const json::object& o) {
    const auto* output = o.if_contains("output");
    const auto* rows = o.if_contains("outputs");
    return (output && output->is_array()) ||
           (rows && rows->is_array() && !rows->get_array().empty());
}

result as_result(result&& r) {
    return std::move(r);
}

result as_result(detail::result_outline&& outline) {
    result r;
    r.stats = outline.stats;
    return r;
}

// A status answer, its result read as `Result` (typed, or an outline).
template <typename Result>
boost::system::result<task_status> status_of(const json::value& jv) {
    const auto* o = jv.if_object();
    if (!o)
        return make_error_code(decode_error::status_not_object);
    const auto* status = o->if_contains("status");
    if (!status || !status->is_string())
        return make_error_code(decode_error::status_without_status);
    task_status s;
    s.task = task(string_or(*o, "task_id"));
    s.status_text = status->get_string();
    s.state = detail::parse_task_state(s.status_text);
    s.creation_time = string_or(*o, "creation_time");
    s.completion_time = string_or(*o, "completion_time");
    if (s.state == task_state::completed) {
        const auto* r = o->if_contains("result");
        if (!r || !r->is_object())
            return make_error_code(decode_error::completed_without_result);
        auto read = json::try_value_to<Result>(*r);
        if (!read)
            return read.error();
        s.result = as_result(std::move(*read));
    } else if (s.state == task_state::failed) {
        // The error is in `error` (as One AI documents it) or in `result` (what its
        // SDKs read): docs/api.md, "Decisions where the service is ambiguous".
        const json::object* err = nullptr;
        if (const auto* e = o->if_contains("error"); e && e->is_object())
            err = &e->get_object();
        else if (const auto* r = o->if_contains("result"); r && r->is_object())
            err = &r->get_object();
        task_failure& f = s.failure.emplace();
        if (err) {
            f.api_code = number_or<int>(*err, "status_code", 0);
            f.message = string_or(*err, "message");
            f.details = string_or(*err, "details");
        }
        // An `error` that is a bare string is the message itself (read before
        // `result`'s, as the error object is); a code or details still come
        // from `result`.
        if (const auto* e = o->if_contains("error");
            e && e->is_string() && !e->get_string().empty())
            f.message = e->get_string();
    }
    return s;
}

} // namespace

boost::system::result<label> tag_invoke(json::try_value_to_tag<label>, const json::value& jv) {
    const auto* o = jv.if_object();
    if (!o)
        return make_error_code(decode_error::label_not_object);
    label l;
    l.type = string_or(*o, "type");
    l.skill = string_or(*o, "skill");
    l.name = string_or(*o, "name");
    if (const auto* v = o->if_contains("value")) {
        if (v->is_string())
            l.value = std::string(v->get_string());
        else if (v->is_number()) {
            boost::system::error_code ec; // never set: every JSON number has a double
            l.value = v->to_number<double>(ec);
        }
    }
    auto span = span_of(*o);
    if (!span)
        return span.error();
    l.span = *span;
    l.span_text = string_or(*o, "span_text");
    l.output_spans = spans_of(o->if_contains("output_spans"));
    l.input_spans = spans_of(o->if_contains("input_spans"));
    l.speaker = string_if(*o, "speaker");
    l.timestamp = string_if(*o, "timestamp");
    l.timestamp_end = string_if(*o, "timestamp_end");
    if (const auto* d = o->if_contains("data"); d && !d->is_null())
        l.data_json = json::serialize(*d);
    return l;
}

boost::system::result<utterance> tag_invoke(json::try_value_to_tag<utterance>,
                                            const json::value& jv) {
    const auto* o = jv.if_object();
    if (!o)
        return make_error_code(decode_error::utterance_not_object);
    utterance u;
    u.text = string_or(*o, "utterance");
    u.speaker = string_or(*o, "speaker");
    u.timestamp = string_if(*o, "timestamp");
    return u;
}

boost::system::result<step_output> tag_invoke(json::try_value_to_tag<step_output>,
                                              const json::value& jv) {
    const auto* o = jv.if_object();
    if (!o)
        return make_error_code(decode_error::output_entry_not_object);
    step_output out;
    out.step_name = string_or(*o, "text_generated_by_step_name");
    out.step_id = number_or<int>(*o, "text_generated_by_step_id", 0);
    if (const auto* c = o->if_contains("contents")) {
        auto contents = utterances_of(*c);
        if (!contents)
            return contents.error();
        out.contents = std::move(*contents);
    } else if (const auto* t = o->if_contains("text"); t && t->is_string()) { // legacy shape
        out.contents.push_back({{}, std::string(t->get_string()), std::nullopt});
    }
    if (const auto* ls = o->if_contains("labels"); ls && ls->is_array()) {
        out.labels.reserve(ls->get_array().size());
        for (const auto& l : ls->get_array()) {
            if (!l.is_object())
                continue; // a stray entry does not cost the whole result its labels
            auto read = json::try_value_to<label>(l);
            if (!read)
                return read.error();
            out.labels.push_back(std::move(*read));
        }
    }
    return out;
}

boost::system::result<result_stats> tag_invoke(json::try_value_to_tag<result_stats>,
                                               const json::value& jv) {
    result_stats stats;
    if (const auto* o = jv.if_object()) {
        stats.concurrency_wait_time = number_or<double>(*o, "concurrency_wait_time", 0);
        stats.total_running_jobs = number_or<long>(*o, "total_running_jobs", 0);
        stats.total_waiting_jobs = number_or<long>(*o, "total_waiting_jobs", 0);
    }
    return stats;
}

boost::system::result<result> tag_invoke(json::try_value_to_tag<result>, const json::value& jv) {
    const auto* o = jv.if_object();
    if (!o)
        return make_error_code(decode_error::result_not_object);
    result r;
    if (const auto* rows = o->if_contains("outputs"); rows && rows->is_array()) {
        r.rows.reserve(rows->get_array().size());
        for (const auto& row : rows->get_array()) {
            if (!row.is_object())
                return make_error_code(decode_error::outputs_entry_not_object);
            auto read = json::try_value_to<result>(row);
            if (!read)
                return read.error();
            r.rows.push_back(std::move(*read));
        }
    }
    if (const auto* in = o->if_contains("input"); in && in->is_array()) {
        auto input = utterances_of(*in);
        if (!input)
            return input.error();
        r.input = std::move(*input);
    } else if (auto text = string_if(*o, "input_text")) {
        r.input.push_back({{}, std::move(*text), std::nullopt});
    }
    if (const auto* output = o->if_contains("output"); output && output->is_array()) {
        r.outputs.reserve(output->get_array().size());
        for (const auto& e : output->get_array()) {
            auto read = json::try_value_to<step_output>(e);
            if (!read)
                return read.error();
            r.outputs.push_back(std::move(*read));
        }
    } else if (r.rows.empty()) {
        return make_error_code(decode_error::result_without_output);
    }
    r.stats = stats_of(*o);
    return r;
}

boost::system::result<task_status> tag_invoke(json::try_value_to_tag<task_status>,
                                              const json::value& jv) {
    return status_of<result>(jv);
}

namespace detail {

boost::system::result<result_outline> tag_invoke(json::try_value_to_tag<result_outline>,
                                                 const json::value& jv) {
    const auto* o = jv.if_object();
    if (!o)
        return make_error_code(decode_error::result_not_object);
    if (!has_output(*o))
        return make_error_code(decode_error::result_without_output);
    return result_outline{stats_of(*o)};
}

boost::system::result<status_outline> tag_invoke(json::try_value_to_tag<status_outline>,
                                                 const json::value& jv) {
    auto s = status_of<result_outline>(jv);
    if (!s)
        return s.error();
    return status_outline{std::move(*s)};
}

} // namespace detail
} // namespace oneai
