#!/usr/bin/env bash
# Builds the readers' browser bundle next to the one cargo-leptos built: the same crate
# with the `reader` feature, which compiles only the islands public pages use (the FAQ),
# so an article page doesn't download the newsroom's. Output: target/site/pkg/reader.js
# (minified) and reader.wasm (finish-build.mjs then gives them hashed names).
#
# Every reader downloads this bundle, so it is built smaller than the newsroom's: the
# standard library is compiled with it (`-Zbuild-std`, from rustup's rust-src component)
# for size, and a panic aborts at once (`-Cpanic=immediate-abort`), which leaves out the
# panic machinery and the formatting of panic messages (about 6 KB of the 44 KB bundle,
# brotli). Both are unstable options of the stable compiler, allowed here alone by
# RUSTC_BOOTSTRAP; without rust-src, or if a newer Rust has renamed them, the bundle is
# built the ordinary way (a warning says so) and works the same, only larger.
#
# With --compile, only compiles (for the build's parallel phase); the build output is its
# own folder, target/reader, since its flags differ from the newsroom's.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
front=target/reader
pkg=target/site/pkg
wasm="$front/wasm32-unknown-unknown/wasm-release/gazette.wasm"
args=(--lib --target wasm32-unknown-unknown --profile wasm-release
  --no-default-features --features hydrate,islands,reader --target-dir "$front")

small_build() {
  rustup component list --installed 2>/dev/null | grep -q '^rust-src' || return 1
  RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort" \
    cargo build "${args[@]}" -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
}

if ! small_build; then
  echo "warning: building the readers' bundle without -Zbuild-std (rustup component rust-src missing, or the options changed): it works the same but is larger" >&2
  cargo build "${args[@]}"
fi
[ "${1:-}" = --compile ] && exit 0

wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name reader "$wasm"
wasm-opt -Oz --converge --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types \
  -o "$pkg/reader.wasm" "$pkg/reader_bg.wasm"
rm -f "$pkg/reader_bg.wasm"
terser "$pkg/reader.js" --module --compress --mangle -o "$pkg/reader.js"
