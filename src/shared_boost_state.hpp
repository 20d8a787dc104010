#pragma once
// Included first in every translation unit of a shared liboneai (see
// cmake/oneai_targets.cmake). The library is compiled with hidden visibility
// and with BOOST_ASIO_DISABLE_VISIBILITY: otherwise every Asio header pushes
// default visibility, and each Asio function the library instantiates is
// exported (more than half of the 1,329 symbols liboneai exported without it).
//
// A few of Asio's and Beast's objects must be one copy for the library and
// its users, and are declared here with default visibility, so that the
// dynamic linker merges the library's copy with the program's
// (cmake/oneai_exports.map lets them through):
// - the error categories, compared by address: a user's
//   `ec == boost::beast::error::timeout` must hold for an error the library made;
// - the per-thread call stacks of Asio's threads and strands, and the
//   thread-local variables that hold them: the library must see a user's
//   io_context (or strand) running on the current thread. Asio's scheduler
//   relies on it: without it a completion made inside the library finds no
//   scheduler thread and dereferences a null pointer.
// What their headers include is included first, hidden like the rest, so that
// only their own declarations are visible.

#include <boost/asio/detail/assert.hpp>
#include <boost/asio/detail/config.hpp>
#include <boost/asio/detail/noncopyable.hpp>
#include <boost/asio/detail/socket_types.hpp>
#include <boost/asio/detail/throw_error.hpp>
#include <boost/asio/ssl/detail/openssl_types.hpp>
#include <boost/beast/core/detail/config.hpp>
#include <boost/cerrno.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#pragma GCC visibility push(default)
#include <boost/asio/detail/call_stack.hpp>
#include <boost/asio/detail/thread_context.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#pragma GCC visibility pop

#include <boost/asio/defer.hpp>
#include <boost/asio/detail/scheduler.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/system_executor.hpp>

#pragma GCC visibility push(default)
#include <boost/asio/detail/strand_executor_service.hpp>
#pragma GCC visibility pop
