#!/usr/bin/env bash
# Fills a database with N generated articles (bench/generate.py) through `gazette import
# --publish`, so every article goes through the same parsing, rendering and indexing as
# a real one. Prints the time taken.
# Usage: bench/fill.sh N DATABASE_URL     (needs `make build`)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:?usage: bench/fill.sh N DATABASE_URL}
url=${2:?usage: bench/fill.sh N DATABASE_URL}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
start=$(date +%s.%N)
python3 "$root/bench/generate.py" "$n" "$dir"
generated=$(date +%s.%N)
DATABASE_URL=$url "$root/target/release/gazette" migrate
# One import per 10,000 files keeps the importer's memory bounded.
find "$dir" -name '*.txt' | sort | xargs -n 10000 sh -c \
  'bin=$1; shift; DATABASE_URL="$0" "$bin" import --publish "$@" >/dev/null' "$url" "$root/target/release/gazette"
done_at=$(date +%s.%N)
awk -v a="$start" -v b="$generated" -v c="$done_at" -v n="$n" \
  'BEGIN { printf "%d articles: generated in %.1f s, imported in %.1f s (%.0f articles/s)\n", n, b - a, c - b, n / (c - b) }'
