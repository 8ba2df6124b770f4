#!/usr/bin/env bash
# Checks that every C++ file of the project is formatted as .clang-format says (Debian's clang-format).
# `scripts/check-format.sh --fix` formats them in place instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -- 'server/*.cpp' 'server/*.hpp' 'tests/*.cpp' 'tests/*.hpp' \
                     ':!:tests/layout/probe_*.cpp')
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/vk-format.$$; then
  grep -E '^[^ ].*(warning|error):' /tmp/vk-format.$$ | cut -d: -f1 | sort -u | sed 's/^/not formatted: /'
  rm -f /tmp/vk-format.$$
  echo "run scripts/check-format.sh --fix" >&2
  exit 1
fi
rm -f /tmp/vk-format.$$
echo "format: ${#files[@]} files formatted"
