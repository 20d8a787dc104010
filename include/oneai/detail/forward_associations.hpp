#pragma once
// For handler wrappers (the token adapters): forward every Asio association
// (executor, allocator, cancellation slot, ...) to the wrapped `handler` member.

#include <boost/asio/associator.hpp>

namespace oneai::detail {

template <template <typename, typename> class Associator, typename Wrapper, typename Inner,
          typename DefaultCandidate>
struct forward_associations : Associator<Inner, DefaultCandidate> {
    static typename Associator<Inner, DefaultCandidate>::type
    get(const Wrapper& w, const DefaultCandidate& c = DefaultCandidate()) noexcept {
        return Associator<Inner, DefaultCandidate>::get(w.handler, c);
    }
};

} // namespace oneai::detail
