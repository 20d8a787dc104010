#pragma once
// Included first in every translation unit of a shared liboneai (see
// cmake/oneai_targets.cmake), which is otherwise compiled with hidden visibility.
//
// Asio's and Beast's error categories are compared by address, and each is a
// static object inside an inline function. Declared with default visibility,
// the library's copy and its users' copy are merged into one by the dynamic
// linker, so that a user's `ec == boost::beast::error::timeout` holds for an
// error the library made. Asio's per-thread call stack likewise, so that the
// library sees a user's io_context running on the current thread.

#pragma GCC visibility push(default)
#include <boost/asio/detail/thread_context.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#pragma GCC visibility pop
