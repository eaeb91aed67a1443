#!/usr/bin/env bash
# Times the staff desk at scale. On a database filled by bench/fill.sh (which imports
# published articles without bylines) it adds five staff writers, spreads the bylines
# over them and gives the articles a newsroom's mix of states (10% drafts, 1% in review,
# 0.2% scheduled); then it serves the site, logs in as an editor and requests each desk
# view N times, printing p50 / p99 / max in milliseconds (whole HTTP responses: query
# and page rendering).
# Usage: bench/desk.sh DATABASE_URL [N]   (needs `make build`; the database is changed)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
url=${1:?usage: bench/desk.sh DATABASE_URL [N]}
n=${2:-200}
bin="$root/target/release/gazette"
port=${DESK_BENCH_PORT:-3197}
base="http://127.0.0.1:$port"
password='desk bench password 42'
[ -x "$bin" ] || { echo "error: $bin is missing; run 'make build' first" >&2; exit 1; }

sql() {
  case "$url" in
    sqlite:*) sqlite3 "${url#sqlite://}" "$1" ;;
    *) psql -qAt "$url" -c "$1" ;;
  esac
}

export DATABASE_URL="$url"
"$bin" migrate
for i in 1 2 3 4 5; do
  if [ -z "$(sql "SELECT id FROM users WHERE email = 'desk$i@example.com'")" ]; then
    printf '%s' "$password" | "$bin" user add --email "desk$i@example.com" \
      --name "Desk Writer $i" --role editor --password-stdin >/dev/null
  fi
done
sql "INSERT INTO article_authors (article_id, user_id, position)
     SELECT a.id, u.id, 0 FROM articles a
     JOIN users u ON u.email = 'desk' || (a.id % 5 + 1) || '@example.com'
     WHERE NOT EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = a.id)"
sql "UPDATE articles SET status = 'draft' WHERE id % 10 = 1 AND status = 'published'"
sql "UPDATE articles SET status = 'in_review', status_changed_at = updated_at
     WHERE id % 100 = 2 AND status = 'published'"
sql "UPDATE articles SET status = 'scheduled', scheduled_at = '2027-06-01T12:00:00+00:00'
     WHERE id % 500 = 3 AND status = 'published'"
echo "articles: $(sql "SELECT COUNT(*) FROM articles")"

# The tag on most articles (a section, walked) and the one on fewest (collected).
tag_by_use="SELECT t.slug FROM tags t JOIN article_tags x ON x.tag_id = t.id GROUP BY t.slug ORDER BY COUNT(*)"
big_tag=$(sql "$tag_by_use DESC LIMIT 1")
small_tag=$(sql "$tag_by_use ASC LIMIT 1")

jar=$(mktemp)
LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$root/target/site" RUST_LOG=warn "$bin" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$jar"' EXIT
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
curl -sf -o /dev/null -c "$jar" --data-urlencode "email=desk1@example.com" \
  --data-urlencode "password=$password" "$base/admin/login"

# A page further down the list: the "Older" link of the first page of an old year.
older=$(curl -sf -b "$jar" "$base/admin?sort=published&from=2022-01-01&to=2022-12-31" |
  grep -o 'rel="next" href="[^"]*"' | sed -e 's/.*href="//' -e 's/"$//' -e 's/&amp;/\&/g')

printf '%-58s %8s %8s %8s\n' "desk view" "p50 ms" "p99 ms" "max ms"
for path in \
  "/admin" \
  "/admin?status=draft" \
  "/admin?status=published&sort=published" \
  "/admin?status=scheduled&sort=scheduled" \
  "/admin?view=review" \
  "/admin?author=desk-writer-3" \
  "/admin?mine=1&status=in_review" \
  "/admin?tag=$big_tag" \
  "/admin?tag=$small_tag" \
  "/admin?q=lighthouse" \
  "/admin?q=harbour+budget+ferry" \
  "/admin?sort=published&from=2024-01-01&to=2024-01-31" \
  "$older"; do
  [ -n "$path" ] || continue
  status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$base$path")
  [ "$status" = 200 ] || { echo "error: $path answered $status" >&2; exit 1; }
  for _ in $(seq "$n"); do
    curl -s -o /dev/null -w '%{time_total}\n' -b "$jar" "$base$path"
  done | sort -n | awk -v p="$path" '{ t[NR] = $1 * 1000 } END {
    printf "%-58s %8.1f %8.1f %8.1f\n", substr(p, 1, 58), t[int(NR * 0.5)], t[int(NR * 0.99)], t[NR] }'
done
