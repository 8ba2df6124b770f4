#!/usr/bin/env bash
# Installs dependencies, checks formatting, builds, and runs every test: the release build and its tests, the
# ASan+UBSan build and its tests, then every libFuzzer target for a bounded time (scripts/fuzz.sh).
# The test suites wait on processes and sockets about half the time, so the next build compiles beside them at
# the lowest priority (nice 19: the tests keep the CPU they ask for); its output is kept in a log and printed
# when it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/check-format.sh
for preset in default asan fuzz; do
  cmake --preset "$preset" >/dev/null
done

build_pid=""
# A failing suite stops the script: the build beside it stops too.
trap '[[ -n "$build_pid" ]] && kill -- "-$build_pid" 2>/dev/null; true' EXIT
# build_beside PRESET: starts PRESET's build in the background at nice 19, its output in build-logs/.
build_beside() {
  mkdir -p build-logs
  setsid nice -n 19 cmake --build --preset "$1" >"build-logs/$1.log" 2>&1 &  # its own group: killed whole
  build_pid=$!
}
# await_build PRESET: waits for the background build; prints its log's tail and fails when it failed.
await_build() {
  local pid="$build_pid"
  build_pid=""
  if ! wait "$pid"; then
    tail -100 "build-logs/$1.log"
    echo "test.sh: the $1 build failed (whole log: build-logs/$1.log)" >&2
    exit 1
  fi
  echo "test.sh: the $1 build finished beside the tests ($(grep -c '^\[' "build-logs/$1.log") steps)"
}

cmake --build --preset default
build_beside asan
ctest --preset default
await_build asan
build_beside fuzz
ctest --preset asan
await_build fuzz
scripts/fuzz.sh
