#!/usr/bin/env bash
# Builds the readers' browser bundle next to the one cargo-leptos built: the same crate
# with the `reader` feature, which compiles only the islands public pages use (the FAQ),
# so an article page doesn't download the newsroom's. Output: target/site/pkg/reader.js
# (minified) and reader.wasm (finish-build.mjs then gives them hashed names).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
front=target/front
pkg=target/site/pkg
cargo build --lib --target wasm32-unknown-unknown --profile wasm-release \
  --no-default-features --features hydrate,islands,reader --target-dir "$front"
wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name reader \
  "$front/wasm32-unknown-unknown/wasm-release/gazette.wasm"
wasm-opt -Oz --converge --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types \
  -o "$pkg/reader.wasm" "$pkg/reader_bg.wasm"
rm -f "$pkg/reader_bg.wasm"
terser "$pkg/reader.js" --module --compress --mangle -o "$pkg/reader.js"
