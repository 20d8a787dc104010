#!/usr/bin/env bash
# `oneai batch` against the official One AI Node SDK (oneai@0.8.4, runBatch
# with 1 s polling) on the same workload, in one run: 400 documents whose
# service time is log-normal (median 3 s, sigma 0.8), 400 at a time, on the
# seeded emulator (the same service times for both). Reports wall time, polls
# per task and mean detection delay (completion to the poll that sees it),
# from the emulator's own counts. npm installs the SDK, as the compat test does.
#
# Usage: bench/node_sdk_vs_batch.sh [build-dir] [documents] [latency]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
documents=${2:-400}
latency=${3:-lognormal:3s,0.8}
oneai="$build/tools/oneai"
[ -x "$oneai" ] || { echo "no $oneai: build the release preset first" >&2; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "needs node and npm" >&2; exit 1; }

sdk="$build/bench-node"
mkdir -p "$sdk"
if [ ! -f "$sdk/node_modules/oneai/package.json" ]; then
  (cd "$sdk" && { [ -f package.json ] || echo '{"private":true}' >package.json; } &&
    npm install --no-audit --no-fund --loglevel=error oneai@0.8.4 >/dev/null)
fi

work=$(mktemp -d)
emulator_pid=""
stop_emulator() { [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null; emulator_pid=""; }
trap 'stop_emulator; rm -rf "$work"' EXIT
start_emulator() {
  "$oneai" emulator --port 0 --workers 0 --latency "$latency" --seed 11 >"$work/emulator.log" 2>&1 &
  emulator_pid=$!
  for _ in $(seq 100); do grep -qs listening "$work/emulator.log" && break; sleep 0.05; done
  base=$(sed -n 's/.*listening on //p' "$work/emulator.log")
}
figures() { # polls per task and mean detection delay, from the emulator
  curl -sS "$base/emulator/stats" | node -e '
    let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
      const j = JSON.parse(s);
      console.log(`${j.polls_per_finished_task.toFixed(2)} ${j.detection_delay_ms.mean.toFixed(0)}`);
    });'
}

awk -v n="$documents" 'BEGIN { for (i = 0; i < n; i++) printf "{\"text\":\"Report %d: the board met in London to review the quarter and the plan.\"}\n", i }' >"$work/in.jsonl"

start_emulator
# The SDK draws a spinner on its standard output: keep it in a file, read the last line.
NODE_PATH="$sdk/node_modules" node "$root/bench/node_sdk_batch.js" "$base" "$work/in.jsonl" "$documents" 1 >"$work/sdk.out" 2>&1
read -r sdk_wall sdk_done < <(tail -1 "$work/sdk.out")
read -r sdk_polls sdk_delay < <(figures)
stop_emulator

start_emulator
started=$(date +%s.%N)
"$oneai" --base-url "$base" --api-key bench batch "$work/in.jsonl" -o "$work/out.jsonl" \
  --skill summarize --concurrency "$documents" --progress never 2>"$work/batch.log" || true
ended=$(date +%s.%N)
batch_wall=$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }')
read -r batch_polls batch_delay < <(figures)
stop_emulator

printf '%d documents, latency %s, %d at a time\n' "$documents" "$latency" "$documents"
printf '%-34s %8s %12s %16s\n' client "wall s" "polls/task" "mean delay ms"
printf '%-34s %8s %12s %16s\n' "Node SDK runBatch, 1 s polling" "$sdk_wall" "$sdk_polls" "$sdk_delay"
printf '%-34s %8s %12s %16s\n' "oneai batch (adaptive polling)" "$batch_wall" "$batch_polls" "$batch_delay"
awk -v sw="$sdk_wall" -v bw="$batch_wall" -v sp="$sdk_polls" -v bp="$batch_polls" -v sd="$sdk_delay" -v bd="$batch_delay" \
  'BEGIN { printf "ratios oneai/SDK: wall %.2f, polls %.2f, delay %.2f (each target <= 1)\n", bw / sw, bp / sp, bd / sd }'
