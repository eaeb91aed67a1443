#!/usr/bin/env bash
# The reader's path against a static file: fetches the seed article from Gazette (brotli,
# as a browser asks for it), has nginx (Debian's nginx-light) serve exactly those bytes as
# a static file, and runs wrk against both, interleaved, at 64 and 256 connections.
# Prints requests/s, p99 latency, Gazette's CPU time per request and its memory.
# Usage: bench/compare.sh [SECONDS_PER_RUN] [DATABASE_URL]
#   (needs `make build`; wrk and nginx-light). Without DATABASE_URL, a new SQLite site
#   holding the seed article alone; with it, a site filled first (bench/fill.sh), for the
#   memory figure with many articles in the database.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
secs=${1:-10}
db=${2:-}
[ -x target/release/gazette ] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install -y nginx-light" >&2; exit 1; }

gport=3196
nport=3195
dir=$(mktemp -d)
# A filled site gets the seed article too (a new one is seeded at start-up).
if [ -n "$db" ]; then
  DATABASE_URL="$db" ./target/release/gazette import --publish --update fixtures/seed-article.txt >/dev/null
fi
DATABASE_URL="${db:-sqlite://$dir/bench.db}" LEPTOS_SITE_ADDR="127.0.0.1:$gport" LEPTOS_SITE_ROOT=target/site \
  RUST_LOG=warn ./target/release/gazette >"$dir/gazette.log" 2>&1 &
gpid=$!
cleanup() {
  kill "$gpid" 2>/dev/null || true
  [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$gport/healthz" >/dev/null && break; sleep 0.1; done

path=/articles/china-proposes-global-ai-cooperation-framework-amid-rising-tech-tensions
mkdir -p "$dir/www/articles"
curl -fs -H 'Accept-Encoding: br' "http://127.0.0.1:$gport$path" -o "$dir/www$path"
# nginx's workers run unprivileged: let them read the copy.
chmod 755 "$dir"
chmod -R a+rX "$dir/www"
cat >"$dir/nginx.conf" <<EOF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$nport;
    root $dir/www;
    location / {
      default_type text/html;
      add_header Content-Encoding br;
      add_header Vary Accept-Encoding;
    }
  }
}
EOF
nginx -c "$dir/nginx.conf"
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$nport$path" >/dev/null && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$nport$path" -o /dev/null || { echo "nginx does not serve the copy" >&2; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$gpid/stat"; }
hz=$(getconf CLK_TCK)

# wrk's summary: requests/s, p99 latency in ms, requests, non-2xx + socket errors.
run() {
  local url=$1 conns=$2
  wrk -t2 -c"$conns" -d"${secs}s" --latency -H 'Accept-Encoding: br' "$url" >"$dir/wrk.out" 2>&1 || true
  awk '
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); p99 = v / 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v); p99 = v } else { sub(/s/, "", v); p99 = v * 1000 } }
    /requests in/ { reqs = $1 }
    /Non-2xx/ { errs += $NF }
    /Socket errors/ { gsub(/,/, ""); errs += $4 + $6 + $8 + $10 }
    END { printf "%s %s %s %d\n", rps, p99, reqs, errs }' "$dir/wrk.out"
}

echo "database: ${db:-a new SQLite site with the seed article}"
echo "seed article: $(wc -c <"$dir/www$path") bytes brotli, ${secs} s per run, wrk -t2, on $(nproc) cores"
printf '%-6s %-8s %12s %10s %8s %14s\n' conns server "req/s" "p99 ms" errors "cpu/req ms"
for conns in 64 256; do
  for round in 1 2; do
    read -r nrps np99 _ nerr < <(run "http://127.0.0.1:$nport$path" "$conns")
    before=$(cpu_ticks)
    read -r grps gp99 greqs gerr < <(run "http://127.0.0.1:$gport$path" "$conns")
    after=$(cpu_ticks)
    cpu=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$greqs" 'BEGIN { printf "%.4f", (n > 0 ? t / hz * 1000 / n : 0) }')
    printf '%-6s %-8s %12s %10s %8s %14s\n' "$conns" nginx "$nrps" "$np99" "$nerr" "-"
    printf '%-6s %-8s %12s %10s %8s %14s\n' "$conns" gazette "$grps" "$gp99" "$gerr" "$cpu"
    awk -v g="$grps" -v n="$nrps" -v gp="$gp99" -v np="$np99" -v c="$conns" -v r="$round" \
      -v rss="$(( $(ps -o rss= -p "$gpid") / 1024 ))" \
      'BEGIN { printf "       round %d at %d: gazette/nginx req/s %.2fx, p99 %.2fx, gazette RSS %d MiB\n", r, c, g / n, gp / np, rss }'
  done
done
echo "gazette RSS after the runs: $(( $(ps -o rss= -p "$gpid") / 1024 )) MiB"
