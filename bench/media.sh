#!/usr/bin/env bash
# Picture figures: upload-to-ready time of a 12-megapixel photo (upload, checks, EXIF
# orientation, colour conversion, every variant encoded and stored; the request returns
# when all is done) and the bytes of each variant. Needs `make build` first (or
# GAZETTE_BIN pointing at a gazette binary) and ImageMagick's `convert` to make the photo.
# With `heif-enc` (Debian's libheif-examples) the same photo is also timed as an AVIF.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=${GAZETTE_BIN:-./target/release/gazette}
[ -x "$bin" ] || { echo "build first: make build (or set GAZETTE_BIN)" >&2; exit 1; }
convert -version 2>/dev/null | grep -q ImageMagick \
  || { echo "needs ImageMagick: apt-get install imagemagick" >&2; exit 1; }

port=${PORT:-3198}
dir=$(mktemp -d)
export DATABASE_URL="sqlite://$dir/bench.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn
"$bin" migrate >/dev/null
echo 'a bench password of some length' | "$bin" user add --email bench@example.com \
  --name Bench --role editor --password-stdin >/dev/null
"$bin" >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"

# A 4000 × 3000 photo-like picture (fractal noise has the detail of a real photo).
convert -size 4000x3000 -seed 7 plasma:fractal -blur 0x1 -quality 92 "$dir/photo.jpg"
echo "12-megapixel JPEG: $(wc -c <"$dir/photo.jpg" | tr -d ' ') bytes"

curl -fs -c "$dir/jar" -o /dev/null \
  --data-urlencode email=bench@example.com --data-urlencode 'password=a bench password of some length' \
  "$base/admin/login"
# Uploads $1 three times (a different file each run: one byte appended, so none is
# found already stored) and prints each run's time.
uploads() {
  local ext=${1##*.}
  for run in 1 2 3; do
    cp "$1" "$dir/run$run.$ext"; printf '%s' "$run" >>"$dir/run$run.$ext"
    seconds=$(curl -fs -b "$dir/jar" -F alt=Bench -F "file=@$dir/run$run.$ext" \
      -o "$dir/reply-$ext$run.json" -w '%{time_total}' "$base/admin/media/upload")
    echo "upload to ready, $ext, run $run: ${seconds}s"
  done
}
uploads "$dir/photo.jpg"
if command -v heif-enc >/dev/null; then
  heif-enc -A -q 60 -o "$dir/photo.avif" "$dir/photo.jpg" >/dev/null
  echo "the same photo as AVIF: $(wc -c <"$dir/photo.avif" | tr -d ' ') bytes"
  uploads "$dir/photo.avif"
fi

python3 - "$dir/reply-jpg1.json" <<'PY' >"$dir/variants"
import json, sys
item = json.load(open(sys.argv[1]))[0]["uploaded"]["item"]["media"]
h, w = item["hash"], item["width"]
ladder = [x for x in (320, 640, 960, 1280, 2048) if x < min(w, 2048)] + [min(w, 2048)]
for x in ladder:
    for ext in ("webp", "jpg"):
        print(f"/media/{h}-{x}.{ext}")
for name in ("16x9", "4x3", "1x1"):
    print(f"/media/{h}-{name}-{item['focus_x']:03}{item['focus_y']:03}.jpg")
PY
echo "variant bytes:"
while read -r path; do
  printf '  %-28s %8s\n' "${path#/media/*-}" "$(curl -fs -o /dev/null -w '%{size_download}' "$base$path")"
done <"$dir/variants"
