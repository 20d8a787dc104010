#!/usr/bin/env bash
# The client's own cost, against the fastest server there is: nginx (one
# worker) answering the two requests of a task (submit, status) with canned,
# instant answers captured from the emulator. One client thread, the same
# connections, in one run:
#   - a bare Beast coroutine loop doing the same two exchanges (the baseline),
#   - the library alone (client::async_run, polling at once),
#   - `oneai batch` (journal on, output written, polling at once).
# Targets: the library >= 0.9x the bare loop's tasks per second, the batch >= 0.8x.
#
# Usage: bench/client_cpu_vs_nginx.sh [build-dir] [tasks] [connections]
#        bench/client_cpu_vs_nginx.sh --serve [build-dir]
#          only starts the canned server, prints its URL and waits (to profile
#          a client against it: perf record ... client_throughput URL)
set -euo pipefail
serve_only=false
if [ "${1:-}" = --serve ]; then serve_only=true; shift; fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
tasks=${2:-100000}
connections=${3:-64}
oneai="$build/tools/oneai"
throughput="$build/bench/client_throughput"
for f in "$oneai" "$throughput"; do
  [ -x "$f" ] || { echo "no $f: build the release preset first" >&2; exit 1; }
done
command -v nginx >/dev/null || { echo "needs nginx (scripts/install-deps)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# The canned answers: the emulator's own, for one instant task.
source "$root/bench/servers.sh"
start_emulator "$oneai" emulator --latency fixed:0ms --workers 0
request='{"input":"The board met on Tuesday.","input_type":"article","output_type":"json","steps":[{"skill":"keywords"}]}'
curl -sS -H 'api-key: bench' -H 'content-type: application/json' -d "$request" \
  "$base/api/v0/pipeline/async" >"$work/submitted.json"
id=$(sed -n 's/.*"task_id":"\([^"]*\)".*/\1/p' "$work/submitted.json")
sleep 0.2
curl -sS -H 'api-key: bench' "$base/api/v0/pipeline/async/tasks/$id" >"$work/status.json"
grep -q '"COMPLETED"' "$work/status.json" || { echo "the emulator did not complete the task" >&2; exit 1; }
if grep -q "[\$']" "$work/submitted.json" "$work/status.json"; then
  echo "a canned answer holds \$ or ', which nginx's return cannot carry" >&2; exit 1
fi

start_nginx "location = /api/v0/pipeline/async { return 200 '$(cat "$work/submitted.json")'; }
    location /api/v0/pipeline/async/tasks/ { return 200 '$(cat "$work/status.json")'; }"
url=$nginx_url
if $serve_only; then
  echo "canned One AI answers at $url (Ctrl-C to stop)"
  wait
  exit 0
fi

# The bare loop and the library, interleaved rounds, medians.
"$throughput" "$url" "$tasks" "$connections" 3 | tee "$work/throughput.txt"
bare_rate=$(awk '/bare Beast loop/ {print $4}' "$work/throughput.txt")
bare_cpu=$(awk '/bare Beast loop/ {print $6}' "$work/throughput.txt")

# oneai batch: the same tasks from a file, journal on, output written; its
# CPU from the kernel's accounting of the process (all its threads).
awk -v n="$tasks" 'BEGIN { for (i = 0; i < n; i++) printf "{\"text\":\"The board met on Tuesday.\"}\n" }' >"$work/in.jsonl"
best_rate=0
best_cpu=0
for round in 1 2 3; do
  rm -f "$work/out.jsonl" "$work/out.jsonl.journal"
  /usr/bin/time -f '%e %U %S' -o "$work/time.txt" \
    "$oneai" --base-url "$url" --api-key bench --poll fixed:0ms batch "$work/in.jsonl" -o "$work/out.jsonl" \
    --skill keywords --concurrency "$connections" --connections "$connections" --progress never \
    2>"$work/batch.log" || { cat "$work/batch.log" >&2; exit 1; }
  written=$(wc -l <"$work/out.jsonl")
  [ "$written" -eq "$tasks" ] || { echo "oneai batch wrote $written of $tasks lines" >&2; exit 1; }
  read -r wall user system <"$work/time.txt"
  rate=$(awk -v n="$tasks" -v w="$wall" 'BEGIN { printf "%.0f", n / w }')
  cpu=$(awk -v n="$tasks" -v u="$user" -v s="$system" 'BEGIN { printf "%.1f", (u + s) * 1e6 / n }')
  if [ "$rate" -gt "$best_rate" ]; then best_rate=$rate; best_cpu=$cpu; fi
done
printf '  oneai batch:     %8d tasks/s  %6.1f us CPU/task (best of 3; journal, output)\n' "$best_rate" "$best_cpu"
awk -v b="$best_rate" -v r="$bare_rate" 'BEGIN { printf "  throughput ratio batch/bare: %.2f (target >= 0.80)\n", b / r }'
