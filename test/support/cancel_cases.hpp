#pragma once
// What the client tests run and cancel: one small pipeline, and the three
// cancellation types with their names for test traces.

#include <oneai/pipeline.hpp>

#include <boost/asio/cancellation_type.hpp>

namespace oneai::test {

inline pipeline simple() {
    return pipeline{}.summarize();
}

struct cancel_case {
    boost::asio::cancellation_type type;
    const char* name;
};

inline constexpr cancel_case all_types[] = {{boost::asio::cancellation_type::total, "total"},
                                            {boost::asio::cancellation_type::partial, "partial"},
                                            {boost::asio::cancellation_type::terminal, "terminal"}};

} // namespace oneai::test
