#!/bin/sh
# run-bounded.sh - the test suite's short, deterministic fuzzing run.
#
#   fuzz/run-bounded.sh FUZZER SEED_DIR RUNS LSAN_SUPPRESSIONS [DICT]
#
# Runs FUZZER for RUNS inputs from libFuzzer seed 1, starting from the
# seeds; what it finds goes to a temporary folder removed afterwards, so
# the test leaves nothing behind. FUZZER "none": no clang with libFuzzer,
# exit 77 (meson's "skipped").
set -eu

if [ "$1" = none ]; then
  echo "clang with libFuzzer not found: fuzz test skipped"
  exit 77
fi
# Absolute paths: the fuzzer runs in a folder of its own.
fuzzer=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
seeds=$(cd "$2" && pwd)
dict=
if [ $# -ge 5 ]; then
  dict=-dict=$(cd "$(dirname "$5")" && pwd)/$(basename "$5")
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mmr-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work"   # where libFuzzer writes a crash-*, leak-* or timeout-* input
rc=0
# shellcheck disable=SC2086
LSAN_OPTIONS=suppressions=$4 "$fuzzer" -seed=1 -runs="$3" -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 $dict "$work" "$seeds" || rc=$?
# The folder goes away: print the failing input into the test's log.
for f in crash-* leak-* timeout-* oom-*; do
  if [ -f "$f" ]; then
    echo "failing input $f (base64; decode it and run the fuzzer on it):"
    base64 "$f"
  fi
done
exit $rc
