#!/usr/bin/env bash
# Installs what the tests need beyond the build tools: Debian's Chromium for Playwright
# (and Java for the HTML checker) and the end2end npm packages from the committed lock file.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: Chromium is missing; as root run: apt-get install -y chromium" >&2
    exit 1
  fi
  echo "==> installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# The Nu Html Checker (npm vnu-jar) runs on Java 11 or newer; without one, installing
# vnu-jar would try to download a Java runtime from outside the registries.
java_major() { java -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == 1 ? v[2] : v[1]); exit}'; }
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 11 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: Java is missing; as root run: apt-get install -y default-jre-headless" >&2
    exit 1
  fi
  echo "==> installing a Java runtime for the HTML checker"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
  if [ "$(java_major)" -lt 11 ]; then
    echo "error: Java $(java_major) is too old for the HTML checker; install Java 11 or newer" >&2
    exit 1
  fi
fi

if ! command -v psql >/dev/null 2>&1; then
  echo "error: psql is missing (the PostgreSQL browser run uses it); as root run: apt-get install -y postgresql-client" >&2
  exit 1
fi

cd "$root_dir/end2end"
if [ ! -d node_modules/@playwright/test ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> installing end2end npm packages"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
