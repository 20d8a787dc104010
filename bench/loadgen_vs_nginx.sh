#!/usr/bin/env bash
# The load generator's own limit: `oneai bench` (one thread) against nginx
# answering submit and status with canned, instant answers, so the server is
# never the bottleneck. At each constant --rate it either holds the rate
# (tasks started and ended within 1% of the target) with its own scheduling
# lag under 1 ms at p99, or it does not; the script climbs by doublings, then
# bisects, and reports the highest rate held. Target: >= 20,000 tasks/s.
# Each task is a submit and one poll (--poll fixed:0ms polls at once); a rate
# is held only if tasks also end as fast as they start (end-to-end p99 under
# 50 ms: no queue growing in the client). The baseline, in the same run: the
# library alone (bench/client_throughput, closed loop, as fast as it goes),
# whose tasks/s bound any generator on one thread; the generator's CPU per
# task is compared with the library's.
#
# The search runs twice: async (submit, then one poll: two exchanges a task)
# and sync (one exchange a task).
#
# Usage: bench/loadgen_vs_nginx.sh [build-dir] [seconds-per-step] [connections]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
seconds=${2:-4}
connections=${3:-64}
oneai="$build/tools/oneai"
throughput="$build/bench/client_throughput"
command -v nginx >/dev/null || { echo "needs nginx (scripts/install-deps)" >&2; exit 1; }
source "$root/bench/servers.sh"
require_programs "$oneai" "$throughput"
bench_scratch
start_canned_nginx "$oneai"

# step RATE: up to three runs in $mode (noise from other processes on the
# machine only ever adds lag, so one clean run shows what the generator can
# do); prints each run's figures and returns 0 when one held the rate.
step() {
  local try
  for try in 1 2 3; do
    run_once "$1" && return 0
  done
  return 1
}

# run_once RATE: one run; prints its figures and returns 0 when the rate was held.
run_once() {
  local rate=$1 status=0
  /usr/bin/time -f '%U %S' -o "$work/time.txt" "$oneai" --base-url "$nginx_url" --api-key bench --poll fixed:0ms bench \
    --rate "$rate" --duration "$seconds" --warmup 1 --connections "$connections" --mode "$mode" \
    --skill keywords --text "The board met on Tuesday." --progress never \
    --report "$work/r.json" --fail-if 'rate>=99%' --fail-if 'lag.p99<1ms' \
    --fail-if 'errors<1' --fail-if 'p99<50ms' >"$work/summary.txt" 2>"$work/bench.log" || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
    echo "oneai bench failed (exit $status):" >&2; cat "$work/bench.log" >&2; exit 1
  fi
  local started achieved lag p99 cpu
  started=$(sed -n 's/.*"start_rate":\([^,]*\).*/\1/p' "$work/r.json")
  achieved=$(sed -n 's/.*"achieved_rate":\([^,]*\).*/\1/p' "$work/r.json")
  lag=$(sed -n 's/^Generator lag: p50 [^,]*, p99 \([^,]*\),.*/\1/p' "$work/summary.txt")
  p99=$(awk '$1 == "end_to_end" { print $6 }' "$work/summary.txt")
  # CPU per task over the warm-up and the measured phase.
  cpu=$(tail -1 "$work/time.txt" | awk -v n="$rate" -v s="$seconds" '{ printf "%.1f", ($1 + $2) * 1e6 / (n * (s + 1)) }')
  printf '  %6d tasks/s: started %.0f/s, achieved %.0f/s, end-to-end p99 %s, lag p99 %s, %s us CPU/task -> %s\n' \
    "$rate" "$started" "$achieved" "$p99" "$lag" "$cpu" "$([ "$status" -eq 0 ] && echo held || echo missed)"
  run_lag=$lag
  return "$status"
}

"$throughput" "$nginx_url" 100000 "$connections" 1 client >"$work/throughput.txt"
library=$(awk '/^client:/ { print $2 }' "$work/throughput.txt")
library_cpu=$(awk '/^client:/ { print $4 }' "$work/throughput.txt")
echo "baseline: the library alone (closed loop, flat out) $library tasks/s, $library_cpu us CPU/task"
# search: climbs by doublings from 5000 tasks/s, then bisects to within 2%;
# sets $held and $held_lag (the scheduling lag p99 of the run that held it).
search() {
  held=0
  held_lag=-
  local missed=0 rate=5000
  while step "$rate"; do
    held=$rate
    held_lag=$run_lag
    rate=$((rate * 2))
    [ "$rate" -le 320000 ] || break
  done
  missed=$rate
  while [ $((missed - held)) -gt $((held / 50)) ] && [ $((missed - held)) -gt 50 ]; do
    rate=$(((held + missed) / 2))
    if step "$rate"; then held=$rate; held_lag=$run_lag; else missed=$rate; fi
  done
}

echo "oneai bench against canned nginx ($nginx_url), one generator thread, $connections connections, ${seconds}s per step"
echo "held: started and achieved within 1% of the target, scheduling lag p99 < 1 ms, end-to-end p99 < 50 ms"
mode=async
echo "async (submit + one poll):"
search
async_held=$held
async_lag=$held_lag
mode=sync
echo "sync (one exchange):"
search
echo "highest constant rate held: async $async_held tasks/s (lag p99 $async_lag), sync $held tasks/s (lag p99 $held_lag) (target >= 20000, lag p99 < 1ms)"
awk -v h="$async_held" -v l="$library" 'BEGIN { printf "async held rate / the library flat out (the same exchanges, closed loop): %.2f\n", h / l }'
