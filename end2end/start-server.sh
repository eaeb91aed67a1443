#!/usr/bin/env bash
# Starts a fresh Gazette for the browser tests: a new database holding the seed article
# and one staff account per role, served on E2E_PORT.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=target/release/gazette
[ -x "$bin" ] || { echo "error: $bin is missing; run 'make build' first" >&2; exit 1; }
mkdir -p target/e2e
db="target/e2e/gazette-$$.db"
rm -f "$db" "$db-wal" "$db-shm"
export DATABASE_URL="${E2E_DATABASE_URL:-sqlite://$db}"
export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT:-3100}"
export LEPTOS_SITE_ROOT=target/site
"$bin" migrate
add() { printf '%s' "$3" | "$bin" user add --email "$1" --name "$2" --role "$4" --password-stdin; }
add editor@example.com "Erin Editor" "correct horse battery" editor
add author@example.com "Arlo Author" "correct horse battery" author
exec "$bin"
