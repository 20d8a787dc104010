#!/usr/bin/env bash
# What durability costs `oneai batch`: the same batch with the default journal
# (every record reaches the kernel before the step it guards) and with --fsync
# (intents and outputs also fdatasync'ed), against an emulator that answers at
# once, measured in one run. Prints tasks per second and the ratio.
#
# Usage: bench/batch_durability.sh [build-dir] [documents] [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
documents=${2:-20000}
runs=${3:-3}
oneai="$build/tools/oneai"
[ -x "$oneai" ] || { echo "no $oneai: build the release preset first" >&2; exit 1; }

# The files live where a user's would: on the project's disk, not a tmpfs.
work=$(mktemp -d "$build/durability.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

source "$root/bench/servers.sh"
start_emulator "$oneai" emulator --latency fixed:0ms --workers 0

awk -v n="$documents" 'BEGIN { for (i = 0; i < n; i++) printf "{\"id\":\"d%d\",\"text\":\"Document %d: the board met in London on Tuesday.\"}\n", i, i }' >"$work/in.jsonl"

# tasks/s of one run: the documents over the wall time.
rate() {
  rm -f "$work/out.jsonl" "$work/out.jsonl.journal"
  local start end
  start=$(date +%s.%N)
  "$oneai" --base-url "$base" --api-key bench --poll fixed:5ms \
    batch "$work/in.jsonl" -o "$work/out.jsonl" --skill keywords --concurrency 256 --progress never "$@" 2>/dev/null
  end=$(date +%s.%N)
  awk -v n="$documents" -v a="$start" -v b="$end" 'BEGIN { print n / (b - a) }'
}

best() { sort -g | tail -1; }
plain=$(for _ in $(seq "$runs"); do rate; done | best)
synced=$(for _ in $(seq "$runs"); do rate --fsync; done | best)
printf 'documents %d, best of %d runs each, filesystem %s\n' "$documents" "$runs" "$(df -T "$work" | awk 'NR==2 {print $2}')"
printf 'journal (write):        %8.0f tasks/s\n' "$plain"
printf 'journal + --fsync:      %8.0f tasks/s\n' "$synced"
printf 'ratio --fsync/default:  %8.2f\n' "$(awk -v a="$synced" -v b="$plain" 'BEGIN { print a / b }')"
