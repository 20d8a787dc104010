#include "request_codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <stdexcept>

namespace oneai::detail {
namespace json = boost::json;
namespace {

json::value to_json(const pipeline::param_value& v) {
    return std::visit(
        [](const auto& x) -> json::value {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                json::array a;
                for (const auto& s : x)
                    a.emplace_back(s);
                return a;
            } else {
                return json::value(x);
            }
        },
        v);
}

json::array steps_json(const pipeline& p) {
    json::array steps;
    for (const auto& s : p.steps()) {
        json::object params;
        if (!s.params_json.empty()) {
            boost::system::error_code ec;
            json::value v = json::parse(s.params_json, ec);
            if (ec || !v.is_object())
                throw std::invalid_argument("the parameters of step '" + s.skill +
                                            "' are not a JSON object: " + s.params_json);
            params = std::move(v.as_object());
        }
        for (const auto& [name, value] : s.params)
            params[name] = to_json(value);
        steps.push_back(json::object{{"skill", s.skill}, {"params", std::move(params)}});
    }
    return steps;
}

bool is_conversation(const input& in) {
    if (std::holds_alternative<conversation_input>(in))
        return true;
    if (const auto* f = std::get_if<file_input>(&in))
        return is_conversation_content(
            f->path, f->content_type.empty() ? guess_content_type(f->path) : f->content_type);
    return false;
}

json::object fields(const pipeline& p, const input& in) {
    json::object out;
    std::string type = p.input_type_override();
    if (type.empty())
        type = is_conversation(in) ? "conversation" : "article";
    out["input_type"] = type;
    out["output_type"] = "json";
    if (const auto* f = std::get_if<file_input>(&in)) {
        std::string ct = f->content_type.empty() ? guess_content_type(f->path) : f->content_type;
        if (!ct.empty())
            out["content_type"] = ct;
    }
    out["multilingual"] = p.is_multilingual();
    out["steps"] = steps_json(p);
    return out;
}

} // namespace

std::string encode_pipeline_definition(const pipeline& p) {
    json::object out;
    out["steps"] = steps_json(p);
    out["multilingual"] = p.is_multilingual();
    out["input_type"] = p.input_type_override();
    return json::serialize(out);
}

std::string encode_pipeline_fields(const pipeline& p, const input& in) {
    return json::serialize(fields(p, in));
}

std::string encode_steps(const pipeline& p) {
    return json::serialize(steps_json(p));
}

encoded_request encode_request(const pipeline& p, const input& in, bool async,
                               std::string_view steps) {
    encoded_request out;
    if (const auto* f = std::get_if<file_input>(&in)) {
        out.target_suffix =
            std::string(async ? "/async/file" : "/file") + "?pipeline=" +
            boost::urls::encode(encode_pipeline_fields(p, in), boost::urls::unreserved_chars);
        out.file = f;
        return out;
    }
    out.target_suffix = async ? "/async" : "";
    const auto* text = std::get_if<text_input>(&in);
    const auto* url = std::get_if<url_input>(&in);
    if (text || url) { // the common case, written directly: no JSON tree for one string
        std::string type = p.input_type_override();
        const std::string own = steps.empty() ? encode_steps(p) : std::string();
        if (steps.empty())
            steps = own;
        const std::string_view value = text ? std::string_view(text->text) : url->url;
        std::string& body = out.json_body;
        body.reserve(80 + steps.size() + value.size() + value.size() / 8);
        body += R"({"input_type":)";
        body += json::serialize(type.empty() ? std::string_view("article") : type);
        body += R"(,"output_type":"json","multilingual":)";
        body += p.is_multilingual() ? "true" : "false";
        body += R"(,"steps":)";
        body += steps;
        body += R"(,"input":)";
        body += json::serialize(value);
        body += '}';
        return out;
    }
    json::object body = fields(p, in);
    if (const auto* c = std::get_if<conversation_input>(&in)) {
        json::array utterances;
        for (const auto& u : c->utterances) {
            json::object item{{"speaker", u.speaker}, {"utterance", u.text}};
            if (u.timestamp)
                item["timestamp"] = *u.timestamp;
            utterances.push_back(std::move(item));
        }
        body["input"] = std::move(utterances);
    }
    out.json_body = json::serialize(body);
    return out;
}

} // namespace oneai::detail
