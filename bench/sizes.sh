#!/usr/bin/env bash
# Byte figures a reader pays, brotli-compressed as served: the readers' island bundle
# (the FAQ: JS + WASM, the build-time .br copies) that article pages load, the seed
# article's document (HTML with its inlined CSS), the whole first view (document +
# bundle), the home page (which loads no bundle), and the newsroom's bundle (staff pages
# only) for comparison.
# Needs `make build` first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
pkg=target/site/pkg
[ -f "$pkg/assets.txt" ] || { echo "build first: make build" >&2; exit 1; }
hashed() { awk -v n="$1" '$1 == n { print $2 }' "$pkg/assets.txt"; }
js=$pkg/$(hashed reader.js)
wasm=$pkg/$(hashed reader.wasm)
staff_js=$pkg/$(hashed gazette.js)
staff_wasm=$pkg/$(hashed gazette.wasm)
size() { wc -c <"$1" | tr -d ' '; }

. bench/serve.sh
serve_site 3197
article=/articles/china-proposes-global-ai-cooperation-framework-amid-rising-tech-tensions
curl -fs -H 'Accept-Encoding: br' "$base$article" -o "$dir/article.br"
curl -fs "$base$article" -o "$dir/article.html"
curl -fs -H 'Accept-Encoding: br' "$base/" -o "$dir/home.br"
curl -fs "$base/" -o "$dir/home.html"

bundle=$(( $(size "$js.br") + $(size "$wasm.br") ))
doc=$(size "$dir/article.br")
printf '%-52s %9s %9s\n' figure raw brotli
printf '%-52s %9d %9d\n' "readers' bundle (FAQ island) JS" "$(size "$js")" "$(size "$js.br")"
printf '%-52s %9d %9d\n' "readers' bundle (FAQ island) WASM" "$(size "$wasm")" "$(size "$wasm.br")"
printf '%-52s %9s %9d\n' "readers' bundle JS + WASM (goal <= 40 KB)" - "$bundle"
printf '%-52s %9d %9d\n' "seed article document incl. inlined CSS (goal <= 14 KB)" "$(size "$dir/article.html")" "$doc"
printf '%-52s %9s %9d\n' "seed article first view: document + bundle (goal <= 60 KB)" - $((doc + bundle))
printf '%-52s %9d %9d\n' "home page (no JS, no WASM)" "$(size "$dir/home.html")" "$(size "$dir/home.br")"
printf '%-52s %9d %9d\n' "newsroom bundle JS (staff pages only)" "$(size "$staff_js")" "$(size "$staff_js.br")"
printf '%-52s %9d %9d\n' "newsroom bundle WASM (staff pages only)" "$(size "$staff_wasm")" "$(size "$staff_wasm.br")"
