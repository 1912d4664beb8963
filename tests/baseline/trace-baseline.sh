#!/bin/sh
# Trace baseline: every example and lab scenario, at several seeds, must
# give the same trace (--trace) and the same report (--json) byte for
# byte as when the baseline was taken, and every lab the same graded
# report. This is how a refactor proves "behaviour did not change"
# (issue 11): run it before and after, compare.
#
#   trace-baseline.sh MMR SOURCE_ROOT            compare with baseline.txt
#   trace-baseline.sh MMR SOURCE_ROOT --update   rewrite baseline.txt
#
# A change that is meant to change traces updates the baseline in the
# same commit and says in the message why the traces changed.
set -eu
mmr=$1
root=$2
mode=${3:-check}
baseline="$root/tests/baseline/baseline.txt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"

seeds="1 2 3 42 1000"
out="$tmp/now.txt"
: > "$out"
for file in $(ls docs/examples/*.mmr labs/*/*.mmr | LC_ALL=C sort); do
  for seed in $seeds; do
    rc=0
    "$mmr" run "$file" --seed "$seed" --trace "$tmp/t.jsonl" --json \
      > "$tmp/r.json" 2> "$tmp/err" || rc=$?
    t=$(sha256sum < "$tmp/t.jsonl" | cut -c1-16)
    r=$(sha256sum < "$tmp/r.json" | cut -c1-16)
    echo "run $file seed=$seed exit=$rc trace=$t report=$r" >> "$out"
    rm -f "$tmp/t.jsonl"
  done
done
for lab in $(ls -d labs/*/ | LC_ALL=C sort); do
  lab=${lab%/}
  rc=0
  # A fresh copy each time: attempts are kept beside the answers
  # (docs/labs.md), never in labs/, and each run counts one attempt.
  cp "$lab/answers.txt" "$tmp/answers.txt"
  rm -f "$tmp/answers.txt.attempts"
  "$mmr" lab run "$lab" --answers "$tmp/answers.txt" --json \
    > "$tmp/l.json" 2> "$tmp/err" || rc=$?
  l=$(sha256sum < "$tmp/l.json" | cut -c1-16)
  echo "lab $lab exit=$rc report=$l" >> "$out"
done

if [ "$mode" = "--update" ]; then
  cp "$out" "$baseline"
  echo "baseline written: $(wc -l < "$baseline") lines"
  exit 0
fi
if diff -u "$baseline" "$out"; then
  echo "all $(wc -l < "$out") runs match the baseline"
else
  echo "traces or reports changed (lines above); if that is intended," \
       "run: tests/baseline/trace-baseline.sh MMR . --update" >&2
  exit 1
fi
