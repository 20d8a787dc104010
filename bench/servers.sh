# Sourced by the bench scripts: their scratch directory, and starting the
# servers they measure against. Servers started here are killed on exit.

# require_programs FILE... : each must be built, or the script stops and says so.
require_programs() {
  for f in "$@"; do
    [ -x "$f" ] || { echo "no $f: build the release preset first" >&2; exit 1; }
  done
}

# bench_scratch : a scratch directory $work and the array pids, both gone on exit.
bench_scratch() {
  work=$(mktemp -d)
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT
}

# start_emulator PROGRAM ARGS... : the emulator on a free port; sets $base.
start_emulator() {
  "$@" --port 0 >"$work/emulator.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -qs listening "$work/emulator.log" && break; sleep 0.05; done
  base=$(sed -n 's/.*listening on //p' "$work/emulator.log")
  [ -n "$base" ] || { echo "the emulator did not start:" >&2; cat "$work/emulator.log" >&2; exit 1; }
}

# start_nginx SERVER_DIRECTIVES : nginx, one worker, kept-alive connections,
# one server on a free port with the given directives; sets $nginx_url.
start_nginx() {
  local port=$((20000 + RANDOM % 20000))
  cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$port;
    $1
  }
}
CONF
  nginx -c "$work/nginx.conf" -p "$work" &
  pids+=($!)
  nginx_url="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -s -o /dev/null "$nginx_url/" && return; sleep 0.05; done
  echo "nginx did not start:" >&2; cat "$work/nginx-error.log" >&2; exit 1
}

# start_canned_nginx ONEAI_PROGRAM : nginx answering submit, status and the
# sync endpoint with canned, instant answers captured from the emulator (one task, COMPLETED),
# so the server is never the bottleneck; sets $nginx_url.
start_canned_nginx() {
  start_emulator "$1" emulator --latency fixed:0ms --workers 0
  local request='{"input":"The board met on Tuesday.","input_type":"article","output_type":"json","steps":[{"skill":"keywords"}]}'
  curl -sS -H 'api-key: bench' -H 'content-type: application/json' -d "$request" \
    "$base/api/v0/pipeline/async" >"$work/submitted.json"
  local id
  id=$(sed -n 's/.*"task_id":"\([^"]*\)".*/\1/p' "$work/submitted.json")
  sleep 0.2
  curl -sS -H 'api-key: bench' "$base/api/v0/pipeline/async/tasks/$id" >"$work/status.json"
  grep -q '"COMPLETED"' "$work/status.json" || { echo "the emulator did not complete the task" >&2; exit 1; }
  curl -sS -H 'api-key: bench' -H 'content-type: application/json' -d "$request" \
    "$base/api/v0/pipeline" >"$work/sync.json"
  if grep -q "[\$']" "$work/submitted.json" "$work/status.json" "$work/sync.json"; then
    echo "a canned answer holds \$ or ', which nginx's return cannot carry" >&2; exit 1
  fi
  start_nginx "location = /api/v0/pipeline/async { return 200 '$(cat "$work/submitted.json")'; }
    location /api/v0/pipeline/async/tasks/ { return 200 '$(cat "$work/status.json")'; }
    location = /api/v0/pipeline { return 200 '$(cat "$work/sync.json")'; }"
}
