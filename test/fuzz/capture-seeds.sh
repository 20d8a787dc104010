#!/usr/bin/env bash
# Refreshes the captured seeds of the response_codec corpus: real answers of
# the emulator (submit, statuses, results of every skill, errors). Run by hand
# after the emulator's answers change: capture-seeds.sh path/to/oneai-emulator
set -euo pipefail
emulator=${1:?usage: capture-seeds.sh path/to/oneai-emulator}
out=$(cd "$(dirname "$0")" && pwd)/corpus/response_codec
port=18765
"$emulator" --port "$port" --latency fixed:50ms --task-failure-rate 0.2 --seed 7 >/dev/null 2>&1 &
pid=$!
trap 'kill "$pid"' EXIT
sleep 1
base=http://127.0.0.1:$port/api/v0/pipeline
text='Maria Lopez met the board in London on Tuesday. The team will publish the report by 5 May. Great news!'
n=0
save() { n=$((n + 1)); printf '%s' "$1" >"$out/captured-$n.json"; }
for skills in '"summarize"' '"keywords","names"' '"sentiments","emotions"' '"highlights","numbers"' \
              '"action-items","article-topics"' '"headline","subheading"' '"detect-language","anonymize"'; do
  steps=$(printf '%s' "$skills" | sed 's/"\([a-z-]*\)"/{"skill":"\1"}/g')
  body="{\"input\":\"$text\",\"steps\":[$steps],\"output_type\":\"json\"}"
  submit=$(curl -s -H 'api-key: k' -H 'Content-Type: application/json' -d "$body" "$base/async")
  save "$submit"
  id=$(printf '%s' "$submit" | sed -n 's/.*"task_id":"\([^"]*\)".*/\1/p')
  save "$(curl -s -H 'api-key: k' "$base/async/tasks/$id")"
  sleep 0.3
  save "$(curl -s -H 'api-key: k' "$base/async/tasks/$id")"
  save "$(curl -s -H 'api-key: k' -H 'Content-Type: application/json' -d "$body" "$base")"
done
save "$(curl -s "$base/async/tasks/00000000-0000-0000-0000-000000000000")"
save "$(curl -s -H 'api-key: k' "$base/async/tasks/00000000-0000-0000-0000-000000000000")"
save "$(curl -s -H 'api-key: k' -d '{"input":"x","steps":[{"skill":"nope"}]}' "$base/async")"
save "$(curl -s -H 'api-key: k' -d '{"input":' "$base/async")"
