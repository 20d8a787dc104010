// Fuzzes the client's readers of the API's answers: bytes go through the
// same JSON parse and arena as client_impl.cpp's decode(), then every reader
// of a submit answer, a task status, a result and an error body. A reader may
// refuse a body by throwing (decode() turns that into bad_response); it must
// never crash, hang or leak.

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

template <typename Read>
void refusal_allowed(Read read) {
    try {
        read();
    } catch (const std::exception&) {
        // The client's decode() catches std::exception: a refusal, not a crash.
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
    task_status tree;
    try {
        tree = detail::parse_task_status(*body, text, detail::result_decoding::text_only);
    } catch (const std::exception&) {
        std::abort(); // accepted what the tree path refuses
    }
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

    refusal_allowed([&] { (void)detail::parse_submit_answer(*body); });
    for (auto how : {detail::result_decoding::typed, detail::result_decoding::text_only}) {
        refusal_allowed([&] { (void)detail::parse_task_status(*body, text, how); });
        refusal_allowed([&] { (void)detail::parse_task_status(*body, {}, how); });
        refusal_allowed([&] { (void)detail::parse_result(*body, text, how); });
    }
    check_member_text(text, *body);
    return 0;
}
