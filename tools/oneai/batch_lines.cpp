#include "batch_lines.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <iterator>
#include <stdexcept>

namespace oneai::cli {
namespace json = boost::json;

namespace {

bool is_under(const std::filesystem::path& p, const std::filesystem::path& root) {
    const auto relative = p.lexically_relative(root);
    return !relative.empty() && *relative.begin() != "..";
}

// The path a line's "file" names, resolved against the input's folder; empty
// when it leaves the folders it may use.
std::filesystem::path allowed_file(const std::string& named, const file_rules& rules) {
    namespace fs = std::filesystem;
    if (rules.base.empty())
        return named;
    std::error_code ec;
    const fs::path given(named);
    const fs::path resolved =
        fs::weakly_canonical(given.is_absolute() ? given : rules.base / given, ec);
    if (ec)
        return {};
    if (is_under(resolved, fs::weakly_canonical(rules.base, ec)))
        return resolved;
    for (const auto& root : rules.also_under)
        if (is_under(resolved, fs::weakly_canonical(root, ec)))
            return resolved;
    return {};
}

} // namespace

batch_item parse_input_line(std::string_view line, std::uint64_t index, const file_rules& files) {
    batch_item item;
    item.index = index;
    const std::string where = "line " + std::to_string(index + 1) + ": ";
    boost::system::error_code ec;
    // The tree is read into the item and dropped: a stack arena, not an
    // allocation per value (this runs for every line of a batch).
    unsigned char buffer[4096];
    json::monotonic_resource arena(buffer, sizeof buffer);
    json::value v = json::parse(line, ec, &arena);
    if (ec) {
        item.invalid = where + "not JSON (" + ec.message() + ")";
        return item;
    }
    if (v.is_string()) {
        item.input = text_input{std::string(v.get_string())};
        return item;
    }
    auto* o = v.if_object();
    if (!o) {
        item.invalid =
            where + "expected a JSON string or an object with text, url, file or conversation";
        return item;
    }
    int kinds = 0;
    if (auto* t = o->if_contains("text")) {
        ++kinds;
        if (!t->is_string())
            item.invalid = where + "'text' must be a string";
        else
            item.input = text_input{std::string(t->get_string())};
    }
    if (auto* u = o->if_contains("url")) {
        ++kinds;
        if (!u->is_string())
            item.invalid = where + "'url' must be a string";
        else
            item.input = url_input{std::string(u->get_string())};
    }
    if (auto* f = o->if_contains("file")) {
        ++kinds;
        if (!f->is_string()) {
            item.invalid = where + "'file' must be a path string";
        } else {
            const std::string named(f->get_string());
            file_input in{allowed_file(named, files), ""};
            if (auto* ct = o->if_contains("content_type"); ct && ct->is_string())
                in.content_type = ct->get_string();
            if (in.path.empty())
                item.invalid = where + "file '" + named +
                               "' is outside the input's folder (allow it with --files-under DIR)";
            else if (!std::filesystem::is_regular_file(in.path))
                item.invalid = where + "cannot read file '" + named + "'";
            item.input = std::move(in);
        }
    }
    if (auto* c = o->if_contains("conversation")) {
        ++kinds;
        conversation_input conv;
        if (!c->is_array() || c->get_array().empty())
            item.invalid =
                where + "'conversation' must be a non-empty array of {speaker, utterance}";
        else
            for (const auto& u : c->get_array()) {
                const auto* uo = u.if_object();
                const auto* text = uo ? uo->if_contains("utterance") : nullptr;
                if (!text || !text->is_string()) {
                    item.invalid = where + "every conversation item needs an 'utterance' string";
                    break;
                }
                utterance out;
                out.text = text->get_string();
                if (auto* s = uo->if_contains("speaker"); s && s->is_string())
                    out.speaker = s->get_string();
                if (auto* ts = uo->if_contains("timestamp"); ts && ts->is_string())
                    out.timestamp = std::string(ts->get_string());
                conv.utterances.push_back(std::move(out));
            }
        item.input = std::move(conv);
    }
    if (kinds != 1 && item.invalid.empty())
        item.invalid = where + "needs exactly one of text, url, file, conversation";
    if (auto* id = o->if_contains("id")) {
        item.id = id->is_string() ? std::string(id->get_string()) : json::serialize(*id);
    }
    static constexpr std::string_view consumed[] = {"text", "id",           "url",
                                                    "file", "conversation", "content_type"};
    const bool has_others = std::any_of(o->begin(), o->end(), [](const json::key_value_pair& m) {
        return std::find(std::begin(consumed), std::end(consumed), m.key()) == std::end(consumed);
    });
    if (has_others) { // rare: most lines have nothing to echo, and need no copy
        json::object echo = *o;
        for (std::string_view key : consumed)
            echo.erase(key);
        item.echo_json = json::serialize(echo);
    }
    return item;
}

namespace {

void append_number(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char digits[32];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
    out.append(digits, end);
}

void append_number(std::string& out, std::uint64_t v) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
    out.append(digits, end);
}

void append_string_or_null(std::string& out, const std::string& s) {
    if (s.empty()) {
        out += "null";
        return;
    }
    // Task ids, and most item ids, need no escapes: copied between quotes.
    const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\' && c != 0x7f;
    });
    if (!plain) {
        out += json::serialize(std::string_view(s));
        return;
    }
    out += '"';
    out += s;
    out += '"';
}

// The members of an error and of the echoed input, through Boost.JSON (they
// are rare, and arbitrary), in a stack arena.
void append_error_and_echo(std::string& out, const batch_outcome& o) {
    unsigned char buffer[2048];
    json::monotonic_resource arena(buffer, sizeof buffer);
    json::object line(&arena);
    if (o.ec) {
        auto& err = line["error"].emplace_object();
        err["code"] = error_name(o.ec);
        err["message"] = o.diag.message.empty() ? o.ec.message() : o.diag.message;
        if (o.diag.api_code)
            err["status_code"] = o.diag.api_code;
        if (!o.diag.details.empty())
            err["details"] = o.diag.details;
        if (o.diag.http_status >= 300)
            err["http_status"] = o.diag.http_status;
    }
    if (!o.echo_json.empty()) {
        boost::system::error_code ec;
        auto echo = json::parse(o.echo_json, ec, &arena);
        if (!ec && echo.is_object())
            for (const auto& [k, v] : echo.as_object())
                if (!line.contains(k) && k != "index" && k != "id" && k != "task_id" &&
                    k != "status" && k != "result" && k != "error" && k != "timings")
                    line[k] = v;
    }
    const std::string rest = json::serialize(line); // "{...}": its members follow
    if (rest.size() > 2) {
        out += ',';
        out.append(rest, 1, rest.size() - 2);
    }
}

} // namespace

void append_outcome(std::string& out, const batch_outcome& o) {
    // Written by hand: "index" first, so a resume can read it without parsing
    // the whole line, and the result passed through as the service sent it,
    // without building and serialising its tree again.
    out += "{\"index\":";
    append_number(out, o.index);
    out += ",\"id\":";
    append_string_or_null(out, o.id);
    out += ",\"task_id\":";
    append_string_or_null(out, o.task_id);
    out += ",\"status\":\"";
    out += to_string(o.what);
    out += "\",\"result\":";
    out += o.result && !o.result->raw_json().empty() ? o.result->raw_json() : "null";
    if (!o.ec)
        out += ",\"error\":null";
    out += ",\"timings\":{\"submit_ms\":";
    append_number(out, o.submit_ms);
    out += ",\"total_ms\":";
    append_number(out, o.total_ms);
    out += ",\"polls\":";
    append_number(out, std::uint64_t{o.polls});
    const double queue_s = o.result ? o.result->stats.concurrency_wait_time : 0.0;
    if (o.result) {
        out += ",\"queue_s\":";
        append_number(out, queue_s);
    }
    if (o.server_ms > 0) {
        // The server's creation-to-completion span: queue wait plus processing.
        out += ",\"run_s\":";
        append_number(out, std::max(0.0, o.server_ms / 1000.0 - queue_s));
    }
    out += '}';
    if (o.ec || !o.echo_json.empty())
        append_error_and_echo(out, o);
    out += "}\n";
}

std::string format_outcome(const batch_outcome& o) {
    std::string out;
    append_outcome(out, o);
    return out;
}

bool read_outcome_key(std::string_view line, std::uint64_t& index, std::string_view& status) {
    constexpr std::string_view prefix = "{\"index\":";
    constexpr std::string_view key =
        ",\"status\":\""; // never inside a JSON string: '"' is escaped there
    if (!line.starts_with(prefix))
        return false;
    auto [end, ec] = std::from_chars(line.data() + prefix.size(), line.data() + line.size(), index);
    if (ec != std::errc{})
        return false;
    const auto at = line.find(key);
    if (at == std::string_view::npos)
        return false;
    const auto start = at + key.size();
    const auto stop = line.find('"', start);
    if (stop == std::string_view::npos)
        return false;
    status = line.substr(start, stop - start);
    return true;
}

} // namespace oneai::cli
