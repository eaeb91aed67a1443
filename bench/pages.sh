#!/usr/bin/env bash
# Uncached latency of every public page type on a database you filled (bench/fill.sh):
# the server runs with its page cache off, and wrk drives each page at 8 connections
# (after a second of warm-up).
# Also prints the time from start to the first answered request.
# Usage: bench/pages.sh DATABASE_URL [SECONDS_PER_PAGE]     (needs `make build`)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
url=${1:?usage: bench/pages.sh DATABASE_URL [SECONDS]}
secs=${2:-5}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
port=3194
dir=$(mktemp -d)
start=$(date +%s.%N)
DATABASE_URL=$url LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
  GAZETTE_PAGE_CACHE_MB=0 RUST_LOG=warn ./target/release/gazette >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.01; done
ready=$(date +%s.%N)
awk -v a="$start" -v b="$ready" 'BEGIN { printf "start-up to first answered request: %.0f ms\n", (b - a) * 1000 }'
base="http://127.0.0.1:$port"
article=$(curl -fs "$base/" | grep -o 'href="/articles/[^"]*"' | head -1 | cut -d'"' -f2)
tag=$(curl -fs "$base$article" | grep -o 'href="/tags/[^"]*"' | head -1 | cut -d'"' -f2)
author=$(curl -fs "$base$article" | grep -o 'href="/authors/[^"]*"' | head -1 | cut -d'"' -f2 || true)
word=$(curl -fs "$base$article" | grep -o '<h1>[^<]*' | head -1 | sed 's/<h1>//' | awk '{print tolower($1)}')
pages=("/" "/?page=50" "$article" "$tag" "$tag?page=5" "/search?q=$word" "/search?q=$word+harbour"
  "/search?q=$word+harbour&page=10"
  "/feed.xml" "$tag/feed.xml" "/sitemap.xml" "/news-sitemap.xml" "/corrections" "/robots.txt")
[ -n "$author" ] && pages+=("$author")
# Readers rarely read one article over and over: every 25th article of the first
# sitemap file (up to 2,000 different ones), taken in turn. One address alone hides
# what each new article costs (statements and data not yet at hand).
curl -fs "$base/sitemaps/1.xml" | grep -o '<loc>[^<]*/articles/[^<]*</loc>' |
  sed 's|<loc>[^<]*\(/articles/[^<]*\)</loc>|\1|' | awk 'NR % 25 == 1' >"$dir/articles"
if [ -s "$dir/articles" ]; then
  cat >"$dir/articles.lua" <<EOF
local paths = {}
for line in io.lines("$dir/articles") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[i % #paths + 1])
end
EOF
  pages+=("articles:$(wc -l <"$dir/articles")")
fi
printf '%-70s %10s %9s %9s %7s\n' page "req/s" "p50 ms" "p99 ms" errors
for p in "${pages[@]}"; do
  if [[ $p == articles:* ]]; then
    target=(-s "$dir/articles.lua" "$base")
    p="${p#articles:} different articles in turn"
  else
    target=("$base$p")
  fi
  # A second of the same load first: the pool opens its connections and each prepares
  # the page's statements, which is start-up, not the page's cost.
  wrk -t2 -c8 -d1s "${target[@]}" >/dev/null 2>&1 || true
  wrk -t2 -c8 -d"${secs}s" --latency "${target[@]}" >"$dir/wrk.out" 2>&1 || true
  awk -v page="$p" '
    function ms(v) { if (v ~ /us$/) { sub(/us/, "", v); return v / 1000 } if (v ~ /ms$/) { sub(/ms/, "", v); return v } sub(/s/, "", v); return v * 1000 }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { errs += $NF }
    /Socket errors/ { gsub(/,/, ""); errs += $4 + $6 + $8 + $10 }
    END { printf "%-70s %10.0f %9.2f %9.2f %7d\n", substr(page, 1, 70), rps, p50, p99, errs }' "$dir/wrk.out"
done
echo "RSS after the runs: $(( $(ps -o rss= -p "$pid") / 1024 )) MiB"
