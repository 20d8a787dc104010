#include "response_codec.hpp"

#include "decode_error.hpp"
#include "json_members.hpp"
#include "result_conversion.hpp"
#include "status_scan.hpp"
#include "tree_arena.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cstring>

namespace oneai::detail {
namespace json = boost::json;
namespace {

// A tree the result will keep: parsed into a tree_arena, sealed at once, so
// later allocations in its name (copies of raw()) come from the heap.
json::value parse_into_sealed_arena(std::string_view text, boost::system::error_code& ec) {
    tree_arena* arena = nullptr;
    // A parsed answer's tree takes 3 to 4 times its text (object tables, one
    // entry per label), so one block usually holds a small answer's tree. A
    // large answer's first block is capped (its tree takes less than 4 times,
    // being mostly long strings); the blocks after it double.
    constexpr std::size_t most_first_block = 4u << 20;
    auto storage = tree_arena::make(std::min(text.size() * 4 + 256, most_first_block), &arena);
    auto tree = json::parse(text, ec, storage);
    arena->seal();
    return tree;
}

// A result's JSON text: the service's own when it is one line (JSON Lines
// output splices it as is); pretty-printed text is written again, compact.
std::string result_text(const json::value& tree, std::string_view text) {
    const auto one_line = one_line_json(text);
    return one_line ? std::string(*one_line) : json::serialize(tree);
}

// Gives `r` its JSON: the tree too when the caller wants it typed.
void keep_raw(result& r, json::value&& tree, std::string_view text, result_decoding how) {
    std::string raw = result_text(tree, text);
    if (how == result_decoding::typed)
        r.set_raw(std::move(tree), std::move(raw));
    else
        r.set_raw_json(std::move(raw)); // passed on as text: a tree would only hold memory
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

boost::system::result<result> parse_result(json::value&& body, std::string_view text,
                                           result_decoding how) {
    boost::system::result<result> r;
    if (how == result_decoding::typed) {
        r = json::try_value_to<result>(body);
    } else if (auto outline = json::try_value_to<result_outline>(body)) {
        r.emplace().stats = outline->stats;
    } else {
        r = outline.error();
    }
    if (r)
        keep_raw(*r, std::move(body), text, how);
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

boost::system::result<task_status> parse_task_status(json::value&& body, std::string_view text,
                                                     result_decoding how) {
    boost::system::result<task_status> s;
    if (how == result_decoding::typed) {
        s = json::try_value_to<task_status>(body);
    } else if (auto outline = json::try_value_to<status_outline>(body)) {
        s = std::move(outline->status);
    } else {
        s = outline.error();
    }
    if (s && s->result) // COMPLETED: `result` is an object, as the conversion checked
        keep_raw(*s->result, std::move(*body.get_object().if_contains("result")),
                 text.empty() ? text : member_text(text, "result"), how);
    return s;
}

boost::system::result<task_status> read_task_status(std::string_view text, result_decoding how,
                                                    diagnostics& diag) {
    boost::system::result<task_status> s;
    if (how == result_decoding::text_only) {
        // Batches pass results on as text: most answers need no tree at all.
        if (auto scanned = scan_task_status(text))
            return std::move(*scanned);
        // The tree is read once and dropped: it lives on the stack, or in
        // blocks freed all at once, not in an allocation per value.
        unsigned char buffer[4096];
        json::monotonic_resource arena(buffer, sizeof buffer);
        boost::system::error_code ec;
        auto body = json::parse(text, ec, &arena);
        s = ec ? boost::system::result<task_status>(ec)
               : parse_task_status(std::move(body), text, how);
    } else {
        // The result keeps the tree (raw()) in an arena of its own, sealed
        // before the result is handed out (see tree_arena).
        boost::system::error_code ec;
        auto body = parse_into_sealed_arena(text, ec);
        s = ec ? boost::system::result<task_status>(ec)
               : parse_task_status(std::move(body), text, how);
    }
    if (!s) {
        diag.message = describe_refusal(s.error());
        return make_error_code(errc::bad_response);
    }
    return s;
}

boost::system::result<result> read_result(std::string_view text, diagnostics& diag) {
    boost::system::error_code ec;
    auto body = parse_into_sealed_arena(text, ec);
    auto r = ec ? boost::system::result<result>(ec) : parse_result(std::move(body), text);
    if (!r) {
        diag.message = describe_refusal(r.error());
        return make_error_code(errc::bad_response);
    }
    return r;
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
