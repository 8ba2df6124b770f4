#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang, ASan + UBSan) and runs each for a bounded time on a copy of
# its checked-in seed corpus (tests/fuzz/corpus/<target>/). Fails on the first crash, leak or sanitizer report;
# the crashing input is kept in build-fuzz/crashes/ (add it to the corpus as a regression case once fixed).
# VK_FUZZ_SECONDS sets the time per target (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${VK_FUZZ_SECONDS:-10}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
mkdir -p build-fuzz/crashes
failed=0 ran=0
for bin in build-fuzz/bin/fuzz_*; do
  name="$(basename "$bin")"
  work="$(mktemp -d "/tmp/vk-fuzz-$name-$$-XXXX")"
  [[ -d "tests/fuzz/corpus/$name" ]] && cp -r "tests/fuzz/corpus/$name/." "$work/"
  ran=$((ran + 1))
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
       -artifact_prefix="build-fuzz/crashes/$name-" "$work" >"build-fuzz/$name.log" 2>&1; then
    echo "fuzz: $name ok ($(grep -c . <(ls "$work")) inputs after ${seconds}s)"
  else
    echo "fuzz: $name FAILED (see build-fuzz/$name.log, crash input in build-fuzz/crashes/)"
    tail -30 "build-fuzz/$name.log"
    failed=$((failed + 1))
  fi
  rm -rf "$work"
done
echo "fuzz: $((ran - failed)) passed, $failed failed"
[[ $failed -eq 0 ]]
