#!/usr/bin/env bash
# Checks what a shared liboneai or liboneai_emulator exports: oneai's own
# interface, and of Asio, Beast and Boost.System only the objects the library
# must share with the program (src/shared_boost_state.hpp,
# cmake/oneai_exports.map), nothing of the templates it instantiated.
#   check_exports.sh LIBRARY...
set -euo pipefail
fail() { echo "check_exports.sh: $*" >&2; exit 1; }

allowed='^((typeinfo (name )?for |vtable for |VTT for |(non-)?virtual thunk to |guard variable for )?oneai::'
allowed+='|(guard variable for )?boost::asio::detail::call_stack<.*>::top_$'
allowed+='|boost::asio::detail::keyword_tss_ptr<boost::asio::detail::call_stack<.*>::value_$'
allowed+='|boost::asio::(ssl::)?error::'
allowed+='|(guard variable for )?boost::beast::(.*::)?make_error_co'
allowed+='|boost::system::detail::[a-z]+_cat_holder<.*>::instance$)'
for library in "$@"; do
  symbols=$(nm -DC --defined-only "$library" | cut -d' ' -f3-)
  count=$(grep -c . <<<"$symbols")
  echo "$(basename "$library"): $count exported symbols"
  others=$(grep -Ev "$allowed" <<<"$symbols" || true)
  [ -z "$others" ] || { echo "$others" | head -20; fail "$(basename "$library") exports $(grep -c . <<<"$others") symbols that are no part of oneai's interface (the first above)"; }
done
# The interface is there, and so is the state the program shares. (The
# listing is read whole: `nm | grep -q` would fail under pipefail when grep
# stops reading early.)
client=$1
symbols=$(nm -DC --defined-only "$client")
grep -q ' T oneai::diagnostics::to_string' <<<"$symbols" \
  || fail "$(basename "$client") does not export oneai::diagnostics::to_string"
grep -q 'keyword_tss_ptr<boost::asio::detail::call_stack<boost::asio::detail::thread_context, boost::asio::detail::thread_info_base>::context>::value_' <<<"$symbols" \
  || fail "$(basename "$client") does not share Asio's per-thread call stack"
echo "check_exports.sh: ok"
