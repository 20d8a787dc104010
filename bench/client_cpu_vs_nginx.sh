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
# Usage: bench/client_cpu_vs_nginx.sh [build-dir] [tasks] [connections] [rounds]
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
rounds=${4:-5}
oneai="$build/tools/oneai"
throughput="$build/bench/client_throughput"
command -v nginx >/dev/null || { echo "needs nginx (scripts/install-deps)" >&2; exit 1; }
source "$root/bench/servers.sh"
require_programs "$oneai" "$throughput"
bench_scratch

# The canned answers: the emulator's own, for one instant task.
start_canned_nginx "$oneai"
url=$nginx_url
if $serve_only; then
  echo "canned One AI answers at $url (Ctrl-C to stop)"
  wait
  exit 0
fi

# Paired rounds: each runs the bare loop and the library (in one process,
# back to back), then `oneai batch`, so drift on a shared machine hits all
# three alike; the ratios are the medians of the rounds' own ratios.
# `oneai batch` reads the same tasks from a file, journal on, output written;
# its CPU is the kernel's accounting of the process (all its threads).
awk -v n="$tasks" 'BEGIN { for (i = 0; i < n; i++) printf "{\"text\":\"The board met on Tuesday.\"}\n" }' >"$work/in.jsonl"
: >"$work/rounds.txt"
for round in $(seq "$rounds"); do
  "$throughput" "$url" "$tasks" "$connections" 1 both >"$work/throughput.txt"
  rm -f "$work/out.jsonl" "$work/out.jsonl.journal"
  /usr/bin/time -f '%e %U %S' -o "$work/time.txt" \
    "$oneai" --base-url "$url" --api-key bench --poll fixed:0ms batch "$work/in.jsonl" -o "$work/out.jsonl" \
    --skill keywords --concurrency "$connections" --connections "$connections" --progress never \
    2>"$work/batch.log" || { cat "$work/batch.log" >&2; exit 1; }
  written=$(wc -l <"$work/out.jsonl")
  [ "$written" -eq "$tasks" ] || { echo "oneai batch wrote $written of $tasks lines" >&2; exit 1; }
  read -r wall user system <"$work/time.txt"
  awk -v n="$tasks" -v w="$wall" -v u="$user" -v s="$system" '
    /bare Beast loop/ { bare = $4; bare_cpu = $6 }
    /oneai::client/ { lib = $2; lib_cpu = $4 }
    END { printf "%s %s %s %s %.0f %.1f\n", bare, bare_cpu, lib, lib_cpu, n / w, (u + s) * 1e6 / n }' \
    "$work/throughput.txt" >>"$work/rounds.txt"
done
echo "$tasks tasks (submit + one poll), $connections connections, one client thread, $rounds paired rounds"
sort -n "$work/rounds.txt" | awk '
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { n++; bare[n] = $1; bcpu[n] = $2; lib[n] = $3; lcpu[n] = $4; batch[n] = $5; tcpu[n] = $6
    rl[n] = $3 / $1; rb[n] = $5 / $1
    printf "  round %d: bare %6d/s  client %6d/s (%.2f)  batch %6d/s (%.2f)\n", n, $1, $3, $3 / $1, $5, $5 / $1 }
  END {
    printf "  bare Beast loop: %8d tasks/s  %6.1f us CPU/task (median)\n", median(bare, n), median(bcpu, n)
    printf "  oneai::client:   %8d tasks/s  %6.1f us CPU/task (median)\n", median(lib, n), median(lcpu, n)
    printf "  oneai batch:     %8d tasks/s  %6.1f us CPU/task (median; journal, output)\n", median(batch, n), median(tcpu, n)
    printf "  throughput ratio client/bare: %.2f (target >= 0.90), median of the rounds\n", median(rl, n)
    printf "  throughput ratio batch/bare:  %.2f (target >= 0.80), median of the rounds\n", median(rb, n)
  }'
