#include "status_scan.hpp"

#include "response_codec.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>

namespace oneai::detail {

namespace {

namespace json = boost::json;
using json::error_code;

// Which containers the scan is inside: the status object (depth 1), the
// result object (depth 2) and its stats object (depth 3) are the only ones
// whose members matter; everything deeper is validated and skipped.
struct status_handler {
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    // The member whose value comes next, when it is one the scan keeps.
    enum class slot {
        none,
        status,
        task_id,
        creation_time,
        completion_time,
        result,
        output,
        outputs,
        stats,
        wait_time,
        running_jobs,
        waiting_jobs
    };
    // What the last value of a member was, as parse_result_shape asks.
    enum class shape { absent, array, nonempty_array, other };

    int depth = 0;
    bool top_is_object = false;
    bool in_result = false; // depth 2 is the last "result" member's object
    bool in_stats = false;  // depth 3 is that result's last "stats" object
    slot next = slot::none;
    std::string key;
    std::string text; // a kept string member, when it arrives in parts

    bool status_is_string = false;
    std::string status, task_id, creation_time, completion_time;
    bool result_is_object = false;
    shape output = shape::absent, outputs = shape::absent;
    bool stats_is_object = false;
    json::value wait_time, running_jobs, waiting_jobs; // scalars: no allocation

    slot slot_of(std::string_view k) const {
        if (depth == 1) {
            if (k == "status")
                return slot::status;
            if (k == "task_id")
                return slot::task_id;
            if (k == "creation_time")
                return slot::creation_time;
            if (k == "completion_time")
                return slot::completion_time;
            if (k == "result")
                return slot::result;
        } else if (depth == 2 && in_result) {
            if (k == "output")
                return slot::output;
            if (k == "outputs")
                return slot::outputs;
            if (k == "stats")
                return slot::stats;
        } else if (depth == 3 && in_stats) {
            if (k == "concurrency_wait_time")
                return slot::wait_time;
            if (k == "total_running_jobs")
                return slot::running_jobs;
            if (k == "total_waiting_jobs")
                return slot::waiting_jobs;
        }
        return slot::none;
    }

    // A value that is not a string, an object or an array arrived for `next`
    // (or one of those did: `kind` says which).
    void scalar_value(json::value v) {
        switch (next) {
        case slot::status:
            status_is_string = false;
            break;
        case slot::task_id:
            task_id.clear();
            break;
        case slot::creation_time:
            creation_time.clear();
            break;
        case slot::completion_time:
            completion_time.clear();
            break;
        case slot::result:
            result_is_object = false;
            break;
        case slot::output:
            output = shape::other;
            break;
        case slot::outputs:
            outputs = shape::other;
            break;
        case slot::stats:
            stats_is_object = false;
            break;
        case slot::wait_time:
            wait_time = v;
            break;
        case slot::running_jobs:
            running_jobs = v;
            break;
        case slot::waiting_jobs:
            waiting_jobs = v;
            break;
        case slot::none:
            break;
        }
        next = slot::none;
    }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }

    bool on_object_begin(error_code&) {
        if (depth == 0)
            top_is_object = true;
        if (next == slot::result) {
            // A repeated "result" replaces the earlier one, as a tree keeps the last.
            result_is_object = true;
            in_result = true;
            output = outputs = shape::absent;
            stats_is_object = false;
            wait_time = running_jobs = waiting_jobs = nullptr;
        } else if (next == slot::stats) {
            stats_is_object = true;
            in_stats = true;
            wait_time = running_jobs = waiting_jobs = nullptr;
        } else if (next != slot::none) {
            scalar_value(nullptr);
        }
        next = slot::none;
        ++depth;
        return true;
    }
    bool on_object_end(std::size_t, error_code&) {
        --depth;
        if (depth == 1)
            in_result = false;
        if (depth == 2)
            in_stats = false;
        return true;
    }
    bool on_array_begin(error_code&) {
        array_slots[depth] = next;
        if (next == slot::output || next == slot::outputs) {
            next = slot::none;
        } else if (next != slot::none) {
            scalar_value(nullptr);
        }
        ++depth;
        return true;
    }
    bool on_array_end(std::size_t n, error_code&) {
        --depth;
        const slot which = array_slots[depth];
        array_slots[depth] = slot::none;
        if (which == slot::output)
            output = shape::array; // any array will do
        else if (which == slot::outputs)
            outputs = n > 0 ? shape::nonempty_array : shape::array;
        return true;
    }

    bool on_key_part(std::string_view s, std::size_t, error_code&) {
        key.append(s);
        return true;
    }
    bool on_key(std::string_view s, std::size_t, error_code&) {
        key.append(s);
        next = slot_of(key);
        key.clear();
        return true;
    }
    bool on_string_part(std::string_view s, std::size_t, error_code&) {
        if (next != slot::none)
            text.append(s);
        return true;
    }
    bool on_string(std::string_view s, std::size_t, error_code&) {
        if (next == slot::none)
            return true;
        text.append(s);
        switch (next) {
        case slot::status:
            status_is_string = true;
            status = std::move(text);
            break;
        case slot::task_id:
            task_id = std::move(text);
            break;
        case slot::creation_time:
            creation_time = std::move(text);
            break;
        case slot::completion_time:
            completion_time = std::move(text);
            break;
        default:
            scalar_value(nullptr);
            break;
        }
        text.clear();
        next = slot::none;
        return true;
    }
    bool on_number_part(std::string_view, error_code&) { return true; }
    bool on_int64(std::int64_t i, std::string_view, error_code&) {
        if (next != slot::none)
            scalar_value(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, std::string_view, error_code&) {
        if (next != slot::none)
            scalar_value(u);
        return true;
    }
    bool on_double(double d, std::string_view, error_code&) {
        if (next != slot::none)
            scalar_value(d);
        return true;
    }
    bool on_bool(bool b, error_code&) {
        if (next != slot::none)
            scalar_value(b);
        return true;
    }
    bool on_null(error_code&) {
        if (next != slot::none)
            scalar_value(nullptr);
        return true;
    }
    bool on_comment_part(std::string_view, error_code&) { return true; }
    bool on_comment(std::string_view, error_code&) { return true; }

    // The member an array at each depth is the value of (the parser's default
    // maximum depth is 32; deeper input is refused before it gets here).
    slot array_slots[64] = {};
};

template <typename T>
T number_or(const json::value& v, T fallback) {
    if (!v.is_number())
        return fallback;
    boost::system::error_code ec;
    const T n = v.to_number<T>(ec);
    return ec ? fallback : n;
}

} // namespace

std::optional<task_status> scan_task_status(std::string_view text) {
    json::basic_parser<status_handler> p(json::parse_options{});
    error_code ec;
    const std::size_t used = p.write_some(false, text.data(), text.size(), ec);
    if (ec || used != text.size())
        return std::nullopt;
    const status_handler& h = p.handler();
    if (!h.top_is_object || !h.status_is_string)
        return std::nullopt;
    task_status s;
    s.state = parse_task_state(h.status);
    if (s.state == task_state::failed)
        return std::nullopt; // the error's two homes: the tree path reads them
    if (s.state == task_state::completed) {
        const bool has_output = h.output == status_handler::shape::array ||
                                h.outputs == status_handler::shape::nonempty_array;
        if (!h.result_is_object || !has_output)
            return std::nullopt;
        auto raw = one_line_json(member_text(text, "result"));
        if (!raw)
            return std::nullopt;
        result r;
        if (h.stats_is_object) {
            r.stats.concurrency_wait_time = number_or<double>(h.wait_time, 0);
            r.stats.total_running_jobs = number_or<long>(h.running_jobs, 0);
            r.stats.total_waiting_jobs = number_or<long>(h.waiting_jobs, 0);
        }
        r.set_raw_json(std::string(*raw));
        s.result = std::move(r);
    }
    s.task = task(h.task_id);
    s.status_text = h.status;
    s.creation_time = h.creation_time;
    s.completion_time = h.completion_time;
    return s;
}

} // namespace oneai::detail
