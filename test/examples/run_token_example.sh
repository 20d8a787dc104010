#!/usr/bin/env bash
# Runs one of the completion-token examples (examples/tokens) the three ways a
# user would, and checks what it prints, not only how it exits:
#   run_token_example.sh PROGRAM EMULATOR_PROGRAM
# 1. `PROGRAM --emulator` (its embedded emulator): exit 0, the summary and the
#    keywords on stdout, nothing on stderr.
# 2. `PROGRAM URL` against a running oneai-emulator that accepts only one key,
#    with that key in ONEAI_API_KEY: the same.
# 3. The same with ONEAI_BASE_URL instead of the argument, and a key the
#    emulator refuses: exit 1, nothing on stdout, the error and its diagnostics
#    (HTTP 401 and the request id the emulator gave) on stderr.
# The emulator is waited for by its "listening on" line, never for a time.
set -euo pipefail
program=$1 emulator=$2
name=$(basename "$program")
fail() { echo "run_token_example.sh ($name): $*" >&2; exit 1; }

expected='summary: Maria Lopez met the board in London on Tuesday.
keyword: Maria
keyword: Lopez
keyword: board
keyword: London
keyword: Tuesday'

work=$(mktemp -d)
emulator_pid=
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# check_success WHAT STATUS: a run that printed the summary and keywords.
check_success() {
  local what=$1 status=$2
  [ "$status" -eq 0 ] || { cat "$work/err"; fail "$what: exit $status, expected 0"; }
  [ "$(cat "$work/out")" = "$expected" ] || { cat "$work/out"; fail "$what: not the expected summary and keywords"; }
  [ ! -s "$work/err" ] || { cat "$work/err"; fail "$what: wrote to stderr"; }
  echo "$what: ok"
}

status=0
"$program" --emulator >"$work/out" 2>"$work/err" || status=$?
check_success "--emulator" "$status"

# A oneai-emulator of our own, on a free port, that knows one key.
mkfifo "$work/emulator.log"
"$emulator" --port 0 --api-key token-example-key >"$work/emulator.log" 2>&1 &
emulator_pid=$!
exec 3<"$work/emulator.log"
url=
while IFS= read -r -t 30 line <&3; do
  if [[ "$line" == *"listening on "* ]]; then
    url=${line##*listening on }
    break
  fi
done
[ -n "$url" ] || fail "the emulator did not say where it listens"
# Keep reading its log, so that it never blocks on a full pipe.
cat <&3 >/dev/null &

status=0
ONEAI_API_KEY=token-example-key ONEAI_BASE_URL= "$program" "$url" >"$work/out" 2>"$work/err" || status=$?
check_success "$url" "$status"

status=0
ONEAI_API_KEY=not-the-key ONEAI_BASE_URL="$url" "$program" >"$work/out" 2>"$work/err" || status=$?
[ "$status" -eq 1 ] || { cat "$work/out" "$work/err"; fail "refused key: exit $status, expected 1"; }
[ ! -s "$work/out" ] || { cat "$work/out"; fail "refused key: printed a result"; }
cat "$work/err"
grep -q '^error: .' "$work/err" || fail "refused key: no 'error:' line"
grep -q '^diagnostics: HTTP 401' "$work/err" || fail "refused key: the diagnostics lack the HTTP status 401"
grep -Eq '^diagnostics: .*request [0-9a-f-]{36}' "$work/err" || fail "refused key: the diagnostics lack the request id"
echo "refused key: ok"

status=0
"$program" --no-such-flag >"$work/out" 2>"$work/err" || status=$?
[ "$status" -eq 2 ] && grep -q '^usage: ' "$work/err" || fail "a bad flag: exit $status, expected 2 and a usage line"
echo "bad flag: ok"
