#pragma once
// The API's JSON read into the library's types as Boost.JSON conversions:
// `boost::json::try_value_to<T>(v)` for every type of a result and of a task
// status. None throws: a malformed member is a decode_error in the returned
// boost::system::result. Unknown fields are ignored, and a field of the wrong
// type is as good as absent unless the API requires it.
//
// The overloads live here, not in the public headers, so that Boost.JSON's
// conversion machinery stays out of every program that includes the client.

#include <oneai/input.hpp>
#include <oneai/label.hpp>
#include <oneai/result.hpp>
#include <oneai/step_output.hpp>
#include <oneai/task_status.hpp>

#include <boost/json/value.hpp>
#include <boost/json/value_to.hpp>
#include <boost/system/result.hpp>

#include "decode_error.hpp"

namespace oneai {

boost::system::result<label> tag_invoke(boost::json::try_value_to_tag<label>,
                                        const boost::json::value& jv);
boost::system::result<utterance> tag_invoke(boost::json::try_value_to_tag<utterance>,
                                            const boost::json::value& jv);
boost::system::result<step_output> tag_invoke(boost::json::try_value_to_tag<step_output>,
                                              const boost::json::value& jv);
boost::system::result<result_stats> tag_invoke(boost::json::try_value_to_tag<result_stats>,
                                               const boost::json::value& jv);
/// The typed result, without its JSON: the caller that owns the tree moves it
/// in afterwards (result::set_raw), as a conversion sees the tree only as const.
boost::system::result<result> tag_invoke(boost::json::try_value_to_tag<result>,
                                         const boost::json::value& jv);
/// The status with a typed result (COMPLETED) or the server's failure (FAILED).
boost::system::result<task_status> tag_invoke(boost::json::try_value_to_tag<task_status>,
                                              const boost::json::value& jv);

} // namespace oneai

namespace oneai::detail {

/// What result_decoding::text_only reads of a result: the checks that make it
/// one, and its stats; not the outputs.
struct result_outline {
    result_stats stats;
};

/// A task status whose result (COMPLETED) is read as an outline.
struct status_outline {
    task_status status;
};

boost::system::result<result_outline> tag_invoke(boost::json::try_value_to_tag<result_outline>,
                                                 const boost::json::value& jv);
boost::system::result<status_outline> tag_invoke(boost::json::try_value_to_tag<status_outline>,
                                                 const boost::json::value& jv);

} // namespace oneai::detail
