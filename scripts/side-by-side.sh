#!/usr/bin/env bash
# Runs two test passes at once and prints each one's output whole when both are done
# (so their lines don't interleave); fails if either fails.
#   scripts/side-by-side.sh NAME1 COMMAND1 NAME2 COMMAND2
set -uo pipefail
[ $# -eq 4 ] || { echo "usage: $0 NAME1 COMMAND1 NAME2 COMMAND2" >&2; exit 2; }
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
start=$(date +%s)
bash -c "$2" >"$logs/1" 2>&1 &
first=$!
bash -c "$4" >"$logs/2" 2>&1 &
second=$!
wait $first
rc1=$?
wait $second
rc2=$?
for i in 1 2; do
  name=$([ $i -eq 1 ] && echo "$1" || echo "$3")
  rc=$([ $i -eq 1 ] && echo $rc1 || echo $rc2)
  echo "==> $name ($([ "$rc" -eq 0 ] && echo passed || echo "FAILED, exit $rc"))"
  cat "$logs/$i"
done
echo "==> both passes took $(( $(date +%s) - start )) s"
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]
