#!/usr/bin/env bash
# Waits up to 60 s for the PostgreSQL server the tests use ($1, a postgres:// URL), so a
# server still starting doesn't fail the run halfway through, and a missing one fails it
# at once with a clear message.
set -euo pipefail
url=${1:?usage: wait-for-postgres.sh postgres://user@host:port/db}
for _ in $(seq 1 60); do
  if psql "$url" -Atqc 'SELECT 1' >/dev/null 2>&1; then
    exit 0
  fi
  sleep 1
done
echo "error: PostgreSQL at $url did not answer within 60 s; start it (or set PG_TEST_URL)" >&2
exit 1
