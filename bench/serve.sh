#!/usr/bin/env bash
# Sourced by the bench scripts: `serve_site PORT` starts the built server on a new SQLite
# database in a temporary folder (it imports the seed article into the empty site),
# waits until it answers, and sets `dir` (that folder), `pid` and `base` (its URL); the
# server is stopped and the folder removed when the script exits.
serve_site() {
  local port=$1
  dir=$(mktemp -d)
  DATABASE_URL="sqlite://$dir/bench.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
    RUST_LOG=warn ./target/release/gazette >"$dir/log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
  base="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && return; sleep 0.1; done
  echo "the server did not answer on $base; its log:" >&2
  cat "$dir/log" >&2
  exit 1
}
