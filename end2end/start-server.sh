#!/usr/bin/env bash
# Starts a fresh Gazette for the browser tests: a new database holding the seed article
# and staff accounts, served on E2E_PORT. With E2E_PG_SERVER (a PostgreSQL server URL)
# the database is a new PostgreSQL database there, dropped when the server stops (and
# any left by an earlier, killed run is dropped first); otherwise a new SQLite file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=target/release/gazette
[ -x "$bin" ] || { echo "error: $bin is missing; run 'make build' first" >&2; exit 1; }
mkdir -p target/e2e

cleanup() { :; }
if [ -n "${E2E_PG_SERVER:-}" ]; then
  command -v psql >/dev/null || { echo "error: psql is needed for E2E_PG_SERVER" >&2; exit 1; }
  for stale in $(psql "$E2E_PG_SERVER" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'gazette_e2e_%'"); do
    psql "$E2E_PG_SERVER" -qc "DROP DATABASE IF EXISTS $stale WITH (FORCE)"
  done
  name="gazette_e2e_$$"
  psql "$E2E_PG_SERVER" -qc "CREATE DATABASE $name"
  export DATABASE_URL="${E2E_PG_SERVER%/*}/$name"
  cleanup() { psql "$E2E_PG_SERVER" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" || true; }
else
  rm -f target/e2e/gazette-*.db*
  export DATABASE_URL="sqlite://target/e2e/gazette-$$.db"
fi
export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT:-3100}"
export LEPTOS_SITE_ROOT=target/site
# Scheduled articles go live within half a second instead of five.
export GAZETTE_SCHEDULE_INTERVAL_MS=500

"$bin" migrate
add() { printf '%s' "$3" | "$bin" user add --email "$1" --name "$2" --role "$4" --password-stdin; }
add editor@example.com "Erin Editor" "correct horse battery" editor
add admin@example.com "Ada Admin" "correct horse battery" admin
add author@example.com "Arlo Author" "correct horse battery" author
add twofactor@example.com "Tess Twofactor" "correct horse battery" author
# Locked out on purpose by a test (the right password must then be refused too).
add lockout@example.com "Lee Lockout" "correct horse battery" author

"$bin" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; cleanup' EXIT INT TERM
wait $server
