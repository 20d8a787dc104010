// Fuzzes the client's readers of the API's answers: bytes go through the
// same JSON parse and arena as read_task_status()'s text_only path, then every
// reader of a submit answer, a task status, a result and an error body, and
// the client's own entry points (read_task_status, read_result). A reader
// refuses a body with an error (the client's bad_response); it must never
// throw, crash, hang or leak.

#include "client/core/response_codec.hpp"
#include "client/core/status_scan.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string_view>

namespace {

using namespace oneai;

// The readers refuse with an error code: an exception escaping one is a bug.
template <typename Read>
void no_exception(Read read) {
    try {
        read();
    } catch (...) {
        std::abort();
    }
}

// member_text() cuts a member's text out of a valid object; what it cuts must
// be that member's JSON (the client passes it on as the result's raw text).
void check_member_text(std::string_view text, const boost::json::value& body) {
    const auto* object = body.if_object();
    if (!object)
        return;
    for (std::string_view key : {"status", "task_id", "result", "output", "stats", "error"}) {
        const std::string_view cut = detail::member_text(text, key);
        if (cut.empty())
            continue;
        boost::system::error_code ec;
        const auto member = boost::json::parse(cut, ec);
        if (ec)
            std::abort(); // not JSON: a corrupted result text
    }
}

// The tree-free status reader must agree with the tree path whenever it
// answers: the same fields, the same result text.
void check_status_scan(std::string_view text, const boost::json::value* body) {
    const auto scanned = detail::scan_task_status(text);
    if (!scanned)
        return;
    if (!body)
        std::abort(); // read as a status what is not JSON
    auto read = detail::parse_task_status(boost::json::value(*body), text,
                                          detail::result_decoding::text_only);
    if (!read)
        std::abort(); // accepted what the tree path refuses
    const task_status& tree = *read;
    const bool same =
        scanned->task.id() == tree.task.id() && scanned->state == tree.state &&
        scanned->status_text == tree.status_text && scanned->creation_time == tree.creation_time &&
        scanned->completion_time == tree.completion_time &&
        scanned->result.has_value() == tree.result.has_value() &&
        (!tree.result ||
         (scanned->result->raw_json() == tree.result->raw_json() &&
          scanned->result->stats.concurrency_wait_time ==
              tree.result->stats.concurrency_wait_time &&
          scanned->result->stats.total_running_jobs == tree.result->stats.total_running_jobs &&
          scanned->result->stats.total_waiting_jobs == tree.result->stats.total_waiting_jobs));
    if (!same)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    diagnostics diag;
    detail::read_error_body(text, diag); // reads any body, JSON or not

    std::string why;
    unsigned char buffer[4096];
    boost::json::monotonic_resource arena(buffer, sizeof buffer);
    const auto body = detail::parse_json(text, why, &arena);
    check_status_scan(text, body ? &*body : nullptr);
    if (!body)
        return 0;

    no_exception([&] { (void)detail::parse_submit_answer(*body); });
    for (auto how : {detail::result_decoding::typed, detail::result_decoding::text_only}) {
        // Copies: each reader takes its tree (the copies share the arena).
        no_exception(
            [&] { (void)detail::parse_task_status(boost::json::value(*body), text, how); });
        no_exception([&] { (void)detail::parse_task_status(boost::json::value(*body), {}, how); });
        no_exception([&] { (void)detail::parse_result(boost::json::value(*body), text, how); });
        no_exception([&] { (void)detail::read_task_status(text, how, diag); });
    }
    no_exception([&] { (void)detail::read_result(text, diag); });
    check_member_text(text, *body);
    return 0;
}
