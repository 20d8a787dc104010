#!/usr/bin/env bash
# Installs the official One AI Node SDK (oneai@0.8.4) into the build tree and
# runs it, unchanged but for its baseURL, against a fresh emulator.
# Env: ONEAI_EMULATOR (the program), ONEAI_COMPAT_DIR (where to install the SDK).
# Exit 77 (ctest's SKIP_RETURN_CODE for this test) only when the SDK is not
# installed yet and the npm registry cannot be reached; anything else that
# goes wrong, a failed install from a registry that answers included, fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${ONEAI_COMPAT_DIR:?}
skip=77
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "$tool not found (scripts/install-deps installs it)"; exit 1; }
done
mkdir -p "$dir"
if [ ! -f "$dir/node_modules/oneai/package.json" ]; then
  if ! npm ping --fetch-timeout=15000 --fetch-retries=1 >"$dir/npm-ping.log" 2>&1; then
    echo "skipped: npm registry unreachable (npm ping failed):"
    cat "$dir/npm-ping.log"
    exit $skip
  fi
  (cd "$dir" && { [ -f package.json ] || echo '{"private":true}' > package.json; } &&
    npm install --no-audit --no-fund --loglevel=error oneai@0.8.4 >/dev/null)
fi

log="$dir/emulator.log"
# Emptied here, not by the background redirection: that one may run after the
# loop below has already read an earlier run's "listening" line.
: >"$log"
"${ONEAI_EMULATOR:?}" --port 0 --latency uniform:20ms..120ms --workers 8 >>"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 400); do grep -q listening "$log" && break; sleep 0.05; done  # up to 20 s
base=$(sed -n 's/.*listening on //p' "$log")
[ -n "$base" ] || { echo "the emulator did not start:"; cat "$log"; exit 1; }

cd "$dir"
NODE_PATH="$dir/node_modules" node "$here/node_sdk_compat.js" "$base" "$dir"
