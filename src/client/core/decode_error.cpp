#include "decode_error.hpp"

#include <boost/json/error.hpp>

namespace oneai::detail {
namespace {

class category : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "oneai.decode"; }
    std::string message(int value) const override {
        switch (static_cast<decode_error>(value)) {
        case decode_error::status_not_object:
            return "the task status is not an object";
        case decode_error::status_without_status:
            return "the task status has no 'status'";
        case decode_error::completed_without_result:
            return "a COMPLETED task has no result";
        case decode_error::result_not_object:
            return "the result is not an object";
        case decode_error::result_without_output:
            return "the result has no 'output' array";
        case decode_error::output_entry_not_object:
            return "an entry of output is not an object";
        case decode_error::outputs_entry_not_object:
            return "an entry of outputs is not an object";
        case decode_error::contents_not_array:
            return "contents is not an array";
        case decode_error::utterance_not_object:
            return "an utterance is not an object";
        case decode_error::label_not_object:
            return "a label is not an object";
        case decode_error::span_not_offsets:
            return "a label's span is not two offsets (whole numbers from 0)";
        }
        return "the answer could not be read";
    }
};

} // namespace

const boost::system::error_category& decode_category() noexcept {
    static const category instance;
    return instance;
}

std::string describe_refusal(const error_code& ec) {
    if (ec.category() == decode_category())
        return ec.message();
    return "the body is not valid JSON: " + ec.message();
}

} // namespace oneai::detail
