#pragma once
// Why an answer of the API could not be read. Callers see every one of these
// as errc::bad_response, with message() in the diagnostics; the decoders
// return them through boost::system::result, so nothing throws.

#include <oneai/error.hpp>

#include <boost/system/error_code.hpp>

#include <string>

namespace oneai::detail {

enum class decode_error {
    status_not_object = 1,
    status_without_status,
    completed_without_result,
    result_not_object,
    result_without_output,
    output_entry_not_object,
    outputs_entry_not_object,
    contents_not_array,
    utterance_not_object,
    label_not_object,
    span_not_offsets,
};

const boost::system::error_category& decode_category() noexcept;

inline error_code make_error_code(decode_error e) noexcept {
    return {static_cast<int>(e), decode_category()};
}

/// The text for the diagnostics of an answer refused with `ec` (a
/// decode_error, or Boost.JSON's parse error when it was not JSON).
std::string describe_refusal(const error_code& ec);

} // namespace oneai::detail

template <>
struct boost::system::is_error_code_enum<oneai::detail::decode_error> : std::true_type {};
