#!/usr/bin/env bash
# Memory of a whole `oneai batch` process per task in flight: its resident set
# growth between 20,000 and 200,000 tasks held in flight by a server that never
# completes them (the emulator with an hour of latency), divided by the
# 180,000 tasks between. Everything counts: the engine's bookkeeping, the
# scheduler's records, the client, the allocator's overhead. Target: <= 300 bytes.
#
# Usage: bench/batch_memory.sh [build-dir] [low] [high]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
low=${2:-20000}
high=${3:-200000}
oneai="$build/tools/oneai"
[ -x "$oneai" ] || { echo "no $oneai: build the release preset first" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

source "$root/bench/servers.sh"
start_emulator "$oneai" emulator --latency fixed:1h --workers 0 --ttl 2h

awk -v n="$high" 'BEGIN { for (i = 0; i < n; i++) printf "{\"text\":\"Report %d: the board met in London to review the quarter.\"}\n", i }' >"$work/in.jsonl"
# Polls an hour apart: the process holds its tasks, the measure is not of polling.
"$oneai" --base-url "$base" --api-key bench --poll fixed:1h batch "$work/in.jsonl" -o "$work/out.jsonl" \
  --skill summarize --concurrency "$high" --connections 64 --progress never 2>"$work/batch.log" &
batch=$!
pids+=($batch)

submitted() { curl -sS "$base/emulator/stats" | sed -n 's/.*"submits":\([0-9]*\).*/\1/p'; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$batch/status"; }
wait_for() { # submits -> RSS in KiB once the emulator has seen them and the batch settled
  local n=$1
  for _ in $(seq 6000); do
    [ "$(submitted)" -ge "$n" ] && break
    kill -0 "$batch" 2>/dev/null || { echo "oneai batch ended early:" >&2; cat "$work/batch.log" >&2; exit 1; }
    sleep 0.1
  done
  sleep 1
  rss_kib
}
at_low=$(wait_for "$low")
at_high=$(wait_for "$high")
echo "oneai batch, tasks held in flight by a server that never completes them"
printf '  RSS at %6d tasks: %7d KiB\n' "$low" "$at_low"
printf '  RSS at %6d tasks: %7d KiB\n' "$high" "$at_high"
awk -v a="$at_low" -v b="$at_high" -v l="$low" -v h="$high" \
  'BEGIN { printf "  growth per task in flight: %.0f bytes (target <= 300)\n", (b - a) * 1024 / (h - l) }'
