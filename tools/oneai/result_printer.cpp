#include "result_printer.hpp"

#include "common/printable_text.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <map>

namespace oneai::cli {

// Everything here comes from the server: printed for a terminal, with its
// control characters written out (a text keeps its lines, a name is one line).
void print_readable(std::ostream& out, const result& r) {
    using common::line_breaks;
    using common::printable_text;
    const auto block = [](std::string_view text) {
        return printable_text(text, line_breaks::keep);
    };
    if (auto summary = r.summary())
        out << "Summary: " << block(*summary) << "\n";
    for (const auto& o : r.outputs) {
        out << "\n== "
            << (o.step_id == 0
                    ? std::string("input")
                    : printable_text(o.step_name) + " (step " + std::to_string(o.step_id) + ")")
            << " ==\n";
        if (o.is_conversation()) {
            for (const auto& u : o.contents)
                out << (u.timestamp ? "[" + printable_text(*u.timestamp) + "] " : std::string{})
                    << printable_text(u.speaker) << ": " << block(u.text) << "\n";
        } else {
            out << block(o.text()) << "\n";
        }
        std::map<std::string, std::vector<const label*>> by_skill;
        for (const auto& l : o.labels)
            by_skill[l.skill].push_back(&l);
        for (const auto& [skill, labels] : by_skill) {
            out << "  " << printable_text(skill) << ":";
            for (std::size_t i = 0; i < labels.size(); ++i) {
                const label& l = *labels[i];
                std::string shown = !l.span_text.empty() ? l.span_text : l.value_text();
                out << (i ? ", " : " ") << printable_text(shown.empty() ? l.name : shown);
                if (!l.name.empty() && l.name != shown && l.name != l.type)
                    out << " (" << printable_text(l.name) << ")";
            }
            out << "\n";
        }
    }
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
        out << "\n### row " << i << "\n";
        print_readable(out, r.rows[i]);
    }
}

void print_json(std::ostream& out, const result& r) {
    out << boost::json::serialize(r.raw()) << "\n";
}

void print_status(std::ostream& out, const task_status& s, bool json) {
    if (json) {
        boost::json::object o{{"task_id", s.task.id()},
                              {"status", s.status_text},
                              {"creation_time", s.creation_time},
                              {"completion_time", s.completion_time.empty()
                                                      ? boost::json::value(nullptr)
                                                      : boost::json::value(s.completion_time)}};
        o["result"] = s.result ? s.result->raw() : boost::json::value(nullptr);
        if (const auto& failure = s.failure)
            o["error"] = {{"status_code", failure->api_code},
                          {"message", failure->message},
                          {"details", failure->details}};
        out << boost::json::serialize(o) << "\n";
        return;
    }
    // The server's strings, printed for a terminal: their control characters written out.
    using common::printable_text;
    out << printable_text(s.task.id()) << " " << printable_text(s.status_text);
    if (!s.creation_time.empty())
        out << " created " << printable_text(s.creation_time);
    if (!s.completion_time.empty())
        out << " finished " << printable_text(s.completion_time);
    if (const auto& failure = s.failure)
        out << ": " << failure->api_code << " " << printable_text(failure->message)
            << (failure->details.empty() ? "" : " (" + printable_text(failure->details) + ")");
    out << "\n";
}

} // namespace oneai::cli
