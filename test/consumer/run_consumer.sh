#!/usr/bin/env bash
# Builds test/consumer/project, a project of its own, against oneai in one way
# and runs its program on the embedded emulator.
#   run_consumer.sh MODE SOURCE_DIR PREFIX WORK_DIR CXX SEPARATE_ASIO
# MODE: find_package (the tree installed in PREFIX), fetchcontent (the source
# tree as a subproject), pkg-config (PREFIX's .pc files, with the compiler
# alone). The consumer's compile command must hold no private include folder of
# oneai and none of the macros of oneai's own build. SEPARATE_ASIO (ON or OFF)
# is how the build that installed PREFIX was configured: OFF (the default, the
# release preset and its Debian package), the installed tree must leave the
# consumer header-only; ON, it must ask for the separate-compilation macros.
# As a subproject oneai keeps its default, OFF.
# The projects are built without a build type, so that the FetchContent one
# compiles both libraries at -O0, twice as fast; consumer.cpp itself is
# optimised (-O2), as a user's program would be.
set -euo pipefail
mode=$1 source_dir=$2 prefix=$3 work=$4 cxx=$5 separate=$6
project="$source_dir/test/consumer/project"
build="$work/$mode"
mkdir -p "$build"

launcher=()
command -v ccache >/dev/null && launcher=(ccache)

fail() { echo "run_consumer.sh ($mode): $*" >&2; exit 1; }

case "$mode" in
  find_package|fetchcontent)
    args=(-S "$project" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=
          -DCMAKE_CXX_COMPILER="$cxx" -DONEAI_CONSUMER_MODE="$mode")
    [ ${#launcher[@]} -gt 0 ] && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    if [ "$mode" = find_package ]; then
      args+=(-DCMAKE_PREFIX_PATH="$prefix")
    else
      args+=(-DFETCHCONTENT_SOURCE_DIR_ONEAI="$source_dir")
    fi
    cmake "${args[@]}" >"$build/configure.log" 2>&1 || { cat "$build/configure.log"; fail "configure failed"; }
    cmake --build "$build" --target consumer >"$build/build.log" 2>&1 || { tail -50 "$build/build.log"; fail "build failed"; }
    command=$(python3 -c '
import json, sys
for e in json.load(open(sys.argv[1])):
    if e["file"].endswith("consumer.cpp"):
        print(e["command"])' "$build/compile_commands.json")
    ;;
  pkg-config)
    export PKG_CONFIG_PATH="$(dirname "$(find "$prefix" -name oneai.pc -print -quit)")"
    [ -n "$PKG_CONFIG_PATH" ] || fail "no oneai.pc under $prefix"
    flags=$(pkg-config --cflags --libs oneai-emulator) || fail "pkg-config failed"
    command="$cxx -std=c++20 -O2 $flags"
    # shellcheck disable=SC2086 # the flags are words
    "${launcher[@]}" "$cxx" -std=c++20 -O2 "$project/consumer.cpp" -o "$build/consumer" $flags \
      >"$build/build.log" 2>&1 || { tail -50 "$build/build.log"; fail "build failed"; }
    ;;
  *) fail "unknown mode" ;;
esac

echo "compile command: $command"
[[ "$command" != *"$source_dir/src"* ]] || fail "oneai's private include folder src/ reached the consumer"
for macro in BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW -Wpedantic; do
  [[ "$command" != *"$macro"* ]] || fail "$macro of oneai's own build reached the consumer"
done
# The separate-compilation macros come only with a library built with
# ONEAI_SEPARATE_ASIO, and then through every way of using the installed tree.
[ "$mode" = fetchcontent ] && separate=OFF
case "$separate" in
  ON)
    [[ "$command" == *BOOST_ASIO_SEPARATE_COMPILATION* && "$command" == *BOOST_BEAST_SEPARATE_COMPILATION* ]] \
      || fail "liboneai has Asio and Beast compiled in, but the consumer was not told"
    ;;
  OFF)
    [[ "$command" != *SEPARATE_COMPILATION* ]] || fail "a separate-compilation macro reached a header-only consumer"
    if [ "$mode" != fetchcontent ]; then
      # Comments aside (oneaiConfig.cmake explains the option).
      ! grep -rhs -v '^ *#' "$prefix"/lib*/cmake/oneai "$prefix"/lib*/pkgconfig | grep SEPARATE_COMPILATION \
        || fail "the installed CMake or pkg-config files of a header-only liboneai ask for a separate-compilation macro (above)"
    fi
    ;;
  *) fail "SEPARATE_ASIO must be ON or OFF, not '$separate'" ;;
esac

# As a subproject oneai installs nothing: `cmake --install` of the consumer's
# build puts no file of oneai's (programs, libraries, bash completion) anywhere.
if [ "$mode" = fetchcontent ]; then
  rm -rf "$build/installed"
  cmake --install "$build" --prefix "$build/installed" >"$build/install.log" 2>&1 \
    || { cat "$build/install.log"; fail "cmake --install of the consumer failed"; }
  installed=$(find "$build/installed" -type f 2>/dev/null || true)
  [ -z "$installed" ] || fail "oneai as a subproject installed: $installed"
fi

# pkg-config sets no run path: a shared liboneai outside the loader's paths
# is found through LD_LIBRARY_PATH, as for any library.
[ "$mode" = pkg-config ] && export LD_LIBRARY_PATH="$(pkg-config --variable=libdir oneai)"
output=$("$build/consumer" 2>&1) || { echo "$output"; fail "the program failed"; }
echo "$output"
grep -q "^summary: Maria Lopez met the board in London on Tuesday.$" <<<"$output" || fail "no summary"
grep -q "equals beast::error::timeout: yes" <<<"$output" || fail "no timeout"
echo "run_consumer.sh ($mode): ok"
