#!/usr/bin/env bash
# Lighthouse (mobile, the default emulation) on the seed article, in Debian's Chromium:
# prints the four category scores and the metrics behind performance. Installs
# Lighthouse from npm into .tools the first time. Needs `make build` first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
LIGHTHOUSE_NPM_VERSION=12.8.2
[ -x target/release/gazette ] || { echo "build first: make build" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "needs Debian's chromium: apt-get install chromium" >&2; exit 1; }
lh=.tools/node_modules/.bin/lighthouse
if ! "$lh" --version 2>/dev/null | grep -qx "$LIGHTHOUSE_NPM_VERSION"; then
  mkdir -p .tools
  (cd .tools && npm install --no-audit --no-fund --silent "lighthouse@$LIGHTHOUSE_NPM_VERSION")
fi

. bench/serve.sh
serve_site ${PORT:-3196}
article=/articles/china-proposes-global-ai-cooperation-framework-amid-rising-tech-tensions

CHROME_PATH=/usr/bin/chromium "$lh" "$base$article" --quiet \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" \
  --output=json --output-path="$dir/report.json" >/dev/null
node -e '
const r = require(process.argv[1]);
const c = r.categories, a = r.audits;
const pct = (k) => Math.round(c[k].score * 100);
console.log("Lighthouse (mobile) on the seed article, Debian Chromium, local");
console.log("| performance | accessibility | best practices | SEO |");
console.log("|---|---|---|---|");
console.log(`| ${pct("performance")} | ${pct("accessibility")} | ${pct("best-practices")} | ${pct("seo")} |`);
for (const k of ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                 "cumulative-layout-shift", "speed-index"]) {
  console.log(`${a[k].title}: ${a[k].displayValue}`);
}
for (const [k, cat] of Object.entries(c)) {
  for (const ref of cat.auditRefs) {
    const au = a[ref.id];
    if (ref.weight > 0 && au.score !== null && au.score < 1) {
      console.log(`${k}: ${au.id} scored ${au.score}: ${au.title}`);
    }
  }
}
' "$dir/report.json"
