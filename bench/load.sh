#!/usr/bin/env bash
# Requests per second and latency for the seed article page and the home page, served by
# the release build on SQLite, measured with wrk (Debian package) over 10 s each.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -x target/release/gazette ] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
port=3198
dir=$(mktemp -d)
DATABASE_URL="sqlite://$dir/bench.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
  RUST_LOG=warn ./target/release/gazette >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
for path in /articles/china-proposes-global-ai-cooperation-framework-amid-rising-tech-tensions /; do
  echo "== GET $path (4 connections, 2 threads, 10 s)"
  wrk -t2 -c4 -d10s "http://127.0.0.1:$port$path" | grep -E "Latency|Requests/sec"
done
echo "== server memory (RSS) after the runs: $(ps -o rss= -p $pid) KiB"
