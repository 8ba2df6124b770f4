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

# fuzz_one NAME: runs one target on a scratch copy of its corpus; prints one verdict line; fails on a finding.
fuzz_one() {
  local name="$1" bin="build-fuzz/bin/$1" work
  work="$(mktemp -d "/tmp/vk-fuzz-$name-$$-XXXX")"
  [[ -d "tests/fuzz/corpus/$name" ]] && cp -r "tests/fuzz/corpus/$name/." "$work/"
  local ok=0
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
    -artifact_prefix="build-fuzz/crashes/$name-" "$work" >"build-fuzz/$name.log" 2>&1 || ok=$?
  if [[ $ok -eq 0 ]]; then
    echo "fuzz: $name ok ($(grep -c . <(ls "$work")) inputs after ${seconds}s)"
  else
    echo "fuzz: $name FAILED (see build-fuzz/$name.log, crash input in build-fuzz/crashes/)"
    tail -30 "build-fuzz/$name.log"
  fi
  rm -rf "$work"
  return $ok
}

# One target per core at a time: each still gets its full time, the run takes a fraction of it.
jobs_max="$(nproc)"
failed=0 ran=0
declare -A running=()
wait_one() {
  local pid
  wait -n -p pid "${!running[@]}" || failed=$((failed + 1))
  unset "running[$pid]"
}
for bin in build-fuzz/bin/fuzz_*; do
  ran=$((ran + 1))
  fuzz_one "$(basename "$bin")" &
  running[$!]=1
  if [[ ${#running[@]} -ge $jobs_max ]]; then wait_one; fi
done
while [[ ${#running[@]} -gt 0 ]]; do wait_one; done
echo "fuzz: $((ran - failed)) passed, $failed failed"
[[ $failed -eq 0 ]]
