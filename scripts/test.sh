#!/usr/bin/env bash
# Installs dependencies, checks formatting, builds, and runs every test: the release build, then the ASan+UBSan
# build, then every libFuzzer target for a bounded time (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/check-format.sh
for preset in default asan; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
scripts/fuzz.sh
