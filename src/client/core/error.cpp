#include <oneai/diagnostics.hpp>
#include <oneai/error.hpp>

#include "common/printable_text.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace oneai {
namespace {

class category : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "oneai"; }
    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
        case errc::success:
            return "success";
        case errc::task_failed:
            return "the task failed on the server";
        case errc::polling_exhausted:
            return "stopped polling (poll policy limit); the task may still finish";
        case errc::deadline_exceeded:
            return "deadline exceeded; the task may still finish";
        case errc::rate_limited:
            return "rate limited by the service (429)";
        case errc::server_unavailable:
            return "the service is temporarily overloaded (503)";
        case errc::server_error:
            return "the service failed (5xx)";
        case errc::bad_response:
            return "the service's answer could not be understood";
        case errc::unknown_submission_outcome:
            return "the submit may have reached the service, but its answer was lost";
        case errc::unauthorized:
            return "the API key is missing or unknown (401)";
        case errc::forbidden:
            return "the request is not allowed for this key (403)";
        case errc::invalid_request:
            return "the service refused the request";
        case errc::task_not_found:
            return "task not found (never submitted, or expired)";
        case errc::response_too_large:
            return "the response exceeds the size limit";
        case errc::missing_api_key:
            return "no API key: set options::api_key or ONEAI_API_KEY";
        case errc::invalid_argument:
            return "invalid argument";
        case errc::client_shutdown:
            return "the client was shut down";
        case errc::output_failed:
            return "the batch's outcomes could not be written";
        case errc::internal:
            return "an internal error of the oneai library";
        }
        return "unknown oneai error";
    }
};

// The transport failures that a later attempt can mend, listed: anything not
// listed (TLS verification, an unknown host, garbage instead of HTTP) is
// permanent, so that no policy repeats it forever.
bool is_transient_transport(const error_code& ec) noexcept {
    namespace ae = boost::asio::error;
    namespace http = boost::beast::http;
    if (!ec || ec == ae::operation_aborted)
        return false;
    if (ec.category() == boost::asio::error::get_netdb_category())
        return ec == ae::host_not_found_try_again; // the DNS server asked for a retry
    if (ec == ae::eof || ec == ae::connection_refused || ec == ae::connection_reset ||
        ec == ae::connection_aborted || ec == ae::timed_out || ec == ae::broken_pipe ||
        ec == ae::network_down || ec == ae::network_reset || ec == ae::network_unreachable ||
        ec == ae::host_unreachable || ec == ae::try_again || ec == ae::no_buffer_space ||
        ec == ae::no_descriptors || ec == ae::shut_down || ec == ae::not_connected ||
        ec == boost::system::errc::address_not_available)
        return true;
    if (ec == boost::beast::error::timeout || ec == http::error::end_of_stream ||
        ec == http::error::partial_message)
        return true;                                        // the server went away mid-answer
    return ec == boost::asio::ssl::error::stream_truncated; // TLS's way of saying EOF
}

} // namespace

const boost::system::error_category& oneai_category() noexcept {
    static const category instance;
    return instance;
}

std::string error_name(const error_code& ec) {
    static constexpr const char* names[] = {
        "success",           "task_failed",        "polling_exhausted",
        "deadline_exceeded", "rate_limited",       "server_unavailable",
        "server_error",      "bad_response",       "unknown_submission_outcome",
        "unauthorized",      "forbidden",          "invalid_request",
        "task_not_found",    "response_too_large", "missing_api_key",
        "invalid_argument",  "client_shutdown",    "output_failed",
        "internal"};
    if (ec.category() == oneai_category() && ec.value() >= 0 &&
        static_cast<std::size_t>(ec.value()) < std::size(names))
        return names[ec.value()];
    return ec.to_string();
}

bool is_transient(const error_code& ec) noexcept {
    if (ec.category() == oneai_category()) {
        switch (static_cast<errc>(ec.value())) {
        case errc::polling_exhausted:
        case errc::deadline_exceeded:
        case errc::rate_limited:
        case errc::server_unavailable:
        case errc::server_error:
            return true;
        default:
            return false;
        }
    }
    return is_transient_transport(ec);
}

std::string diagnostics::to_string() const {
    std::string out;
    auto add = [&](const std::string& part) {
        if (part.empty())
            return;
        if (!out.empty())
            out += "; ";
        out += part;
    };
    if (http_status >= 300) // a 2xx is not what went wrong
        add("HTTP " + std::to_string(http_status) +
            (api_code ? " (" + std::to_string(api_code) + ")" : ""));
    else if (api_code) // e.g. the error of a FAILED task
        add("error " + std::to_string(api_code));
    add(message);
    add(details);
    if (!task_id.empty())
        add("task " + task_id);
    if (!request_id.empty())
        add("request " + request_id);
    if (attempts > 1)
        add(std::to_string(attempts) + " attempts");
    // The server's words go to terminals and logs: never its control characters.
    return common::printable_text(out);
}

} // namespace oneai
