#!/usr/bin/env bash
# Builds the test binaries (arguments: cargo's profile and feature flags), or with
# `--server` first the server alone, and checks that the server and the tests share the
# build of every dependency they have in common. When a test-only dependency turns on a
# feature of a shared crate that the server doesn't, cargo silently compiles that crate
# and everything above it a second time, and CI grows by minutes; the `ssr` feature in
# Cargo.toml pins such features so both builds agree. With CHECK_SHARED_BUILD=1 this
# fails with the crates' names when a new one slips through:
# - `--server` just after a build of the server and the tests together (`make test`):
#   the server alone must compile none of its dependencies again;
# - otherwise just after a build of the server: the tests must compile none of the
#   server's dependencies again.
set -euo pipefail
cd "$(dirname "$0")/.."
build=(cargo test --no-run)
if [ "${1:-}" = --server ]; then
  shift
  build=(cargo build)
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"${build[@]}" "$@" 2>&1 | tee "$log"
compiled=$(sed -n 's/^ *Compiling \([^ ]*\) \(v[^ ]*\).*/\1 \2/p' "$log" | grep -v '^gazette ' | sort -u || true)
[ "${CHECK_SHARED_BUILD:-}" = 1 ] && [ -n "$compiled" ] || exit 0
tree_args=()
for arg in "$@"; do
  [ "$arg" = --release ] || tree_args+=("$arg")
done
shared=$(cargo tree "${tree_args[@]}" -e normal,build --prefix none --format '{p}' \
  | awk '{print $1" "$2}' | sort -u)
twice=$(comm -12 <(echo "$compiled") <(echo "$shared"))
if [ -n "$twice" ]; then
  echo "error: these server dependencies were compiled once for the tests and once for the server:" >&2
  echo "$twice" | sed 's/^/  /' >&2
  echo "A test-only dependency turns on features the server build lacks. Find them with" >&2
  echo "  cargo tree -e features -i <crate>" >&2
  echo "and add them to the \`ssr\` feature in Cargo.toml, next to the others pinned there." >&2
  exit 1
fi
