#!/usr/bin/env bash
# Makes the Debian package of a build (cpack -G DEB), checks its control data
# and contents with dpkg-deb, unpacks it into a scratch root and runs the
# unpacked `oneai --emulator run ...` and `oneai-emulator --help`.
#   check_deb.sh BUILD_DIR WORK_DIR SEPARATE_ASIO
# SEPARATE_ASIO (ON or OFF) is the build's ONEAI_SEPARATE_ASIO: OFF (the release
# preset's), the package's CMake and pkg-config files must leave its users'
# Asio and Beast header-only; ON, they must ask for the separate-compilation
# macros.
# The root is made with `dpkg -x`, not debootstrap: a Debian 12 root needs a
# mirror and minutes, and its packages would be the very ones this machine
# runs. Instead, every package the .deb depends on must be a real Debian
# package installed here (dpkg-query), which is what the programs run against.
set -euo pipefail
build=$1 work=$2 separate=$3
fail() { echo "check_deb.sh: $*" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1 \
  || { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(find "$work" -maxdepth 1 -name 'oneai_*.deb' -print -quit)
[ -n "$deb" ] || fail "no oneai_*.deb in $work"
echo "package: $deb"

info=$(dpkg-deb --info "$deb")
echo "$info" | grep -E '^ (Package|Version|Architecture|Depends):'
depends=$(dpkg-deb --field "$deb" Depends)
# The package names, without versions; of an alternative, the first.
names=$(tr ',' '\n' <<<"$depends" | sed -E 's/\|.*//; s/\(.*//; s/^ +//; s/ +$//' | grep -v '^$')
# What the programs load (found by dpkg-shlibdeps) and what the headers and
# find_package(oneai) need.
for needed in libboost-json1.81.0 libboost-url1.81.0 libssl3 libstdc++6 libc6 \
              libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev; do
  grep -Fxq "$needed" <<<"$names" || fail "Depends lacks $needed: $depends"
done
# Each is a real Debian package, installed here.
while read -r name; do
  dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" \
    || fail "Depends names $name, which is not an installed Debian package"
done <<<"$names"

# The paths; a symbolic link's own (its line ends "PATH -> TARGET").
contents=$(dpkg-deb --contents "$deb" | awk '{ print ($(NF-1) == "->") ? $(NF-2) : $NF }')
for path in ./usr/bin/oneai ./usr/bin/oneai-emulator ./usr/include/oneai.hpp \
            ./usr/include/oneai/client.hpp ./usr/include/oneai/config.hpp \
            ./usr/include/oneai/emulator/embedded_server.hpp \
            ./usr/share/bash-completion/completions/oneai \
            ./usr/share/bash-completion/completions/oneai-emulator; do
  grep -qx "$path" <<<"$contents" || fail "$path is not in the package"
done
for pattern in '/liboneai\.(a|so)$' '/liboneai_emulator\.(a|so)$' '/cmake/oneai/oneaiConfig\.cmake$' \
               '/cmake/oneai/oneaiConfigVersion\.cmake$' '/cmake/oneai/oneaiTargets\.cmake$' \
               '/pkgconfig/oneai\.pc$' '/pkgconfig/oneai-emulator\.pc$'; do
  grep -Eq "$pattern" <<<"$contents" || fail "nothing matches $pattern in the package"
done
# Nothing of src/ (internal headers) is installed.
! grep -Eq 'client_impl|/common/|shared_boost_state' <<<"$contents" || fail "internal files in the package"

root="$work/root"
dpkg -x "$deb" "$root"

# What the installed CMake and pkg-config files tell the package's users.
usage_files=$(find "$root/usr/lib" \( -path '*/cmake/oneai/*.cmake' -o -name 'oneai*.pc' \) -type f)
[ -n "$usage_files" ] || fail "no CMake or pkg-config files in the package"
case "$separate" in
  OFF)
    # shellcheck disable=SC2086 # one path a line, none with spaces
    ! grep -v '^ *#' $usage_files | grep SEPARATE_COMPILATION \
      || fail "a header-only package asks its users for a separate-compilation macro (above)"
    ;;
  ON)
    # shellcheck disable=SC2086
    grep -v '^ *#' $usage_files | grep BOOST_ASIO_SEPARATE_COMPILATION >/dev/null \
      || fail "the package has Asio compiled in but does not ask its users for the macros"
    ;;
  *) fail "SEPARATE_ASIO must be ON or OFF, not '$separate'" ;;
esac
"$root/usr/bin/oneai-emulator" --help >/dev/null || fail "oneai-emulator --help failed"
output=$("$root/usr/bin/oneai" --emulator run --skill summarize \
  --text "Maria Lopez met the board in London on Tuesday. The team will publish the report.") \
  || fail "oneai --emulator run failed"
echo "$output"
grep -qx "Summary: Maria Lopez met the board in London on Tuesday." <<<"$output" || fail "no summary"
echo "check_deb.sh: ok"
