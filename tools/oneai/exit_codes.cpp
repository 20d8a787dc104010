#include "exit_codes.hpp"

#include <boost/asio/error.hpp>

namespace oneai::cli {

exit_code exit_code_for(const error_code& ec) {
    if (!ec)
        return exit_ok;
    if (ec == boost::asio::error::operation_aborted)
        return exit_interrupted;
    if (ec.category() == oneai_category()) {
        switch (static_cast<errc>(ec.value())) {
        case errc::task_failed:
            return exit_task_failed;
        case errc::unauthorized:
        case errc::forbidden:
        case errc::invalid_request:
        case errc::task_not_found:
            return exit_refused;
        case errc::missing_api_key:
        case errc::invalid_argument:
            return exit_usage;
        default:
            return exit_transport;
        }
    }
    return exit_transport;
}

} // namespace oneai::cli
