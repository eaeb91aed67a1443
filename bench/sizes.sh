#!/usr/bin/env bash
# Prints the release WASM size (raw, gzip, brotli when available) and the size of the
# seed article page as served (raw and gzip). Needs `make build` first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
wasm=target/site/pkg/gazette.wasm
js=target/site/pkg/gazette.js
css=target/site/pkg/gazette.css
[ -f "$wasm" ] || { echo "build first: make build" >&2; exit 1; }
gz() { gzip -9 -c "$1" | wc -c; }
printf 'wasm  raw %8d B   gzip %8d B\n' "$(wc -c <"$wasm")" "$(gz "$wasm")"
printf 'js    raw %8d B   gzip %8d B\n' "$(wc -c <"$js")" "$(gz "$js")"
printf 'css   raw %8d B   gzip %8d B\n' "$(wc -c <"$css")" "$(gz "$css")"

port=3197
dir=$(mktemp -d)
DATABASE_URL="sqlite://$dir/bench.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
  ./target/release/gazette >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
page="http://127.0.0.1:$port/articles/china-proposes-global-ai-cooperation-framework-amid-rising-tech-tensions"
curl -fs "$page" -o "$dir/page.html"
printf 'article page html  raw %6d B   gzip %6d B\n' "$(wc -c <"$dir/page.html")" "$(gz "$dir/page.html")"
curl -fs "http://127.0.0.1:$port/" -o "$dir/home.html"
printf 'home page html     raw %6d B   gzip %6d B\n' "$(wc -c <"$dir/home.html")" "$(gz "$dir/home.html")"
