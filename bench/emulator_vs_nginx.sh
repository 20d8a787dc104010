#!/usr/bin/env bash
# Request rate of the emulator's task-status GET against nginx serving the same
# bytes as a static file, both on one worker, measured in one run with
# wrk -t1 -c64. Target: the emulator at >= 0.5 of nginx.
#
# Usage: bench/emulator_vs_nginx.sh [build-dir] [seconds]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
seconds=${2:-5}
emulator="$build/tools/oneai-emulator"
[ -x "$emulator" ] || { echo "no $emulator: build the release preset first" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx (scripts/install-deps)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

source "$root/bench/servers.sh"
start_emulator "$emulator" --latency fixed:1h --workers 0

# Two tasks: one still RUNNING (the common poll), one COMPLETED (the last poll).
submit() {
  curl -sS -H 'api-key: bench' -H 'content-type: application/json' -d "$1" "$base/api/v0/pipeline/async" |
    sed -n 's/.*"task_id":"\([^"]*\)".*/\1/p'
}
running=$(submit '{"input":"The board met on Tuesday to review the results.","output_type":"json","steps":[{"skill":"summarize"}]}')

# nginx on one worker serving the emulator's exact answer as a file.
mkdir -p "$work/www/api/v0/pipeline/async/tasks"
curl -sS -H 'api-key: bench' "$base/api/v0/pipeline/async/tasks/$running" >"$work/www/api/v0/pipeline/async/tasks/$running"
start_nginx "root $work/www;"

rate() { # url -> requests/second
  wrk -t1 -c64 -d"${seconds}s" -H 'api-key: bench' "$1" | awk '/Requests\/sec/ {print $2}'
}
target="/api/v0/pipeline/async/tasks/$running"
nginx_rate=$(rate "$nginx_url$target")
emulator_rate=$(rate "$base$target")
echo "task-status GET, wrk -t1 -c64 -d${seconds}s, one server thread each"
printf "  nginx:    %10.0f requests/s\n" "$nginx_rate"
printf "  emulator: %10.0f requests/s\n" "$emulator_rate"
awk -v e="$emulator_rate" -v n="$nginx_rate" 'BEGIN { printf "  ratio emulator/nginx: %.2f (target >= 0.50)\n", e / n; exit !(e / n >= 0.5) }'
