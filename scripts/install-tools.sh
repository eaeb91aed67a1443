#!/usr/bin/env bash
# Installs the build tools Gazette needs, skipping any already present at the right version
# (with --prerequisites, only checks Rust and Node.js and adds the wasm32 target and the
# standard library's source).
# Everything comes from the crates.io, npm and Debian registries; nothing is downloaded elsewhere.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.11
WASM_OPT_NPM_VERSION=132.0.0
TERSER_NPM_VERSION=5.51.4
root_dir=$(cd "$(dirname "$0")/.." && pwd)
tools_dir="$root_dir/.tools"

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "error: '$1' is required: $2" >&2; exit 1; }
}

need cargo "install Rust with rustup (https://rustup.rs)"
need rustup "install Rust with rustup (https://rustup.rs)"
need node "install Node.js 20 or newer with npm (Debian 12's own nodejs is 18: use NodeSource's or nodejs.org's packages)"
need npm "install npm with Node.js 20 or newer"
need curl "apt-get install curl"

# Versions, not just presence: an older tool fails much later with a puzzling error.
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "error: Node.js $(node --version) is too old; install Node.js 20 or newer (Debian 12's nodejs is 18)" >&2
  exit 1
fi
rust_minor=$(rustc --version | awk '{split($2, v, "."); print v[2]}')
if [ "$rust_minor" -lt 95 ]; then
  echo "error: $(rustc --version) is too old; run: rustup update stable (Rust 1.95 or newer)" >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "==> adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
# The standard library's source: the readers' bundle compiles it for size (see
# scripts/build-reader.sh, which builds without it, only larger, if this fails).
if ! rustup component list --installed | grep -q '^rust-src'; then
  echo "==> adding the rust-src component"
  rustup component add rust-src || echo "warning: no rust-src: the readers' bundle will be built larger" >&2
fi
# `--prerequisites`: only the checks above, the wasm32 target and rust-src, which compiling needs.
[ "${1:-}" = --prerequisites ] && exit 0

# cargo-leptos: its published lock needs a newer rustc for one crate, so build from the
# crate source with that crate pinned one patch back. no_downloads keeps it from fetching
# wasm-bindgen / wasm-opt binaries from GitHub. It only drives the build, so it is
# compiled unoptimised and without debug information, the quickest way to have it.
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  echo "==> installing cargo-leptos $CARGO_LEPTOS_VERSION (several minutes)"
  work=$(mktemp -d)
  curl -sSfL "https://static.crates.io/crates/cargo-leptos/cargo-leptos-$CARGO_LEPTOS_VERSION.crate" \
    | tar -xz -C "$work"
  (
    cd "$work/cargo-leptos-$CARGO_LEPTOS_VERSION"
    cargo update -p cargo-util-schemas --precise 0.14.1
    CARGO_PROFILE_DEV_DEBUG=0 cargo install --path . --locked --features no_downloads --debug
  )
  rm -rf "$work"
fi

# wasm-bindgen CLI must equal the wasm-bindgen version in Cargo.lock. It only rewrites
# the readers' small bundle, so an unoptimised build (a minute faster to compile) does.
wb_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$root_dir/Cargo.lock")
if [ -n "$wb_version" ] && ! wasm-bindgen --version 2>/dev/null | grep -q "$wb_version"; then
  echo "==> installing wasm-bindgen-cli $wb_version"
  CARGO_PROFILE_DEV_DEBUG=0 cargo install wasm-bindgen-cli --version "$wb_version" --force --debug
fi

# wasm-opt from npm's binaryen (Debian's binaryen 108 produces a .wasm that fails to hydrate).
if ! "$tools_dir/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version ${WASM_OPT_NPM_VERSION%%.*}"; then
  echo "==> installing wasm-opt (npm binaryen@$WASM_OPT_NPM_VERSION)"
  mkdir -p "$tools_dir"
  (cd "$tools_dir" && npm install --no-audit --no-fund --silent "binaryen@$WASM_OPT_NPM_VERSION")
fi

# terser minifies the JavaScript glue wasm-bindgen writes (the readers' bundle's JS
# shrinks from about 5.8 to 4.2 KB compressed).
if ! "$tools_dir/node_modules/.bin/terser" --version 2>/dev/null | grep -q "$TERSER_NPM_VERSION"; then
  echo "==> installing terser (npm terser@$TERSER_NPM_VERSION)"
  mkdir -p "$tools_dir"
  (cd "$tools_dir" && npm install --no-audit --no-fund --silent "terser@$TERSER_NPM_VERSION")
fi
