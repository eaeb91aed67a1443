#!/usr/bin/env bash
# Requests per second and latency for the seed article page and the home page, served by
# the release build on SQLite, measured with wrk (Debian package) over 10 s each.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -x target/release/gazette ] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
. bench/serve.sh
serve_site 3198
for path in /articles/china-proposes-global-ai-cooperation-framework-amid-rising-tech-tensions /; do
  echo "== GET $path (4 connections, 2 threads, 10 s)"
  wrk -t2 -c4 -d10s "$base$path" | grep -E "Latency|Requests/sec"
done
echo "== server memory (RSS) after the runs: $(ps -o rss= -p $pid) KiB"
