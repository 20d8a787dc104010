#pragma once
// The User-Agent the SDKs agree on: `<sdk>/<version>/<install id>`.

#include <string>

namespace oneai::detail {

/// `cpp-sdk/<version>/<32 hex>`; the id is kept in $XDG_CONFIG_HOME (or
/// ~/.config)/oneai-cpp/install-id, or is `UUID_DISABLED` when that cannot be written.
std::string default_user_agent();

} // namespace oneai::detail
