#include <oneai/result.hpp>
#include <oneai/task_status.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <mutex>

namespace oneai {

std::string label::value_text() const {
    if (const auto* s = std::get_if<std::string>(&value))
        return *s;
    if (const auto* d = std::get_if<double>(&value)) {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
        return ec == std::errc{} ? std::string(buf, end) : std::string{};
    }
    return {};
}

bool step_output::is_conversation() const {
    return contents.size() > 1 || (!contents.empty() && !contents.front().speaker.empty());
}

std::string step_output::text() const {
    if (!is_conversation())
        return contents.empty() ? std::string{} : contents.front().text;
    std::string flat;
    for (const auto& u : contents) {
        if (u.timestamp)
            flat += "[" + *u.timestamp + "] ";
        flat += u.speaker + ":\n" + u.text + "\n\n";
    }
    return flat;
}

std::vector<const label*> step_output::labels_of(std::string_view skill) const {
    std::vector<const label*> out;
    for (const auto& l : labels) {
        if (l.skill == skill)
            out.push_back(&l);
    }
    return out;
}

const step_output* result::output_of(std::string_view step_name) const {
    for (const auto& o : outputs) {
        if (o.step_name == step_name)
            return &o;
    }
    return nullptr;
}

std::optional<std::string> result::summary() const {
    const step_output* o = output_of("summarize");
    if (!o)
        return std::nullopt;
    return o->text();
}

std::vector<const label*> result::labels_of(std::string_view skill) const {
    std::vector<const label*> out;
    for (const auto& o : outputs) {
        auto some = o.labels_of(skill);
        out.insert(out.end(), some.begin(), some.end());
    }
    return out;
}

struct result::raw_text {
    raw_text(std::string text, boost::json::value given)
        : json(std::move(text)), tree(std::move(given)), tree_given(!tree.is_null()) {}

    std::string json;
    // Move-constructed from the decoder's tree: a move assignment would copy
    // it into this member's storage instead.
    boost::json::value tree; // null until parsed, unless given
    const bool tree_given;
    std::once_flag parsed;
};

const boost::json::value& result::raw() const {
    static const boost::json::value null_value;
    if (!raw_)
        return null_value;
    if (raw_->tree_given)
        return raw_->tree; // written once, before this result was shared
    std::call_once(raw_->parsed, [&r = *raw_] {
        boost::system::error_code ec; // it was valid JSON when the answer was read
        auto tree = boost::json::parse(r.json, ec);
        if (!ec)
            r.tree = std::move(tree);
    });
    return raw_->tree;
}

const std::string& result::raw_json() const {
    static const std::string none;
    return raw_ ? raw_->json : none;
}

void result::set_raw_json(std::string json) {
    raw_ = std::make_shared<raw_text>(std::move(json), boost::json::value());
}

void result::set_raw(boost::json::value&& tree, std::string json) {
    // Memory a caller owns without sharing (an arena on its stack) may be gone
    // before this result is: such a tree is not kept, raw() parses the text.
    const auto& storage = tree.storage();
    const bool outlives_the_caller =
        storage.is_shared() || storage.get() == boost::json::storage_ptr().get();
    raw_ = std::make_shared<raw_text>(std::move(json),
                                      outlives_the_caller ? std::move(tree) : boost::json::value());
}

const char* to_string(task_state s) noexcept {
    switch (s) {
    case task_state::queued:
        return "QUEUED";
    case task_state::running:
        return "RUNNING";
    case task_state::completed:
        return "COMPLETED";
    case task_state::failed:
        return "FAILED";
    case task_state::unknown:
        return "UNKNOWN";
    }
    return "UNKNOWN";
}

} // namespace oneai
