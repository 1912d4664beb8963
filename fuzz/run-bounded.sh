#!/bin/sh
# run-bounded.sh - the test suite's short, deterministic fuzzing run.
#
#   fuzz/run-bounded.sh FUZZER SEED_DIR RUNS LSAN_SUPPRESSIONS
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
fuzzer=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")   # before the cd
work=$(mktemp -d "${TMPDIR:-/tmp}/mmr-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work"   # a crash-* reproducer would land here; the log names it
LSAN_OPTIONS=suppressions=$4 "$fuzzer" -seed=1 -runs="$3" -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 "$work" "$2"
