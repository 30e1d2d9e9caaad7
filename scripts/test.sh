#!/usr/bin/env bash
# All tests: installs what nnlab needs, checks the format, builds and runs the unit tests under
# AddressSanitizer + UndefinedBehaviorSanitizer, then builds the release and runs every test
# (end-to-end ones on real CIFAR-10 when NNLAB_DATA has it), with a short libFuzzer run of every reader in between.
# Ends with ctest's summary line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
if [ -z "${NNLAB_DATA:-}" ] && [ -d "$root/../shared/datasets" ]; then
  export NNLAB_DATA="$root/../shared/datasets"
fi
cd "$root"

echo "== format check (clang-format)"
git ls-files -- '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

echo "== unit tests under ASan + UBSan"
"$root/scripts/build.sh" sanitize
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS="suppressions=$root/tests/sanitizer/lsan_suppressions.txt:print_suppressions=0" \
  ctest --test-dir "$root/build-asan" -L unit --output-on-failure -j 2

echo "== fuzzing, 12 s per target (scripts/fuzz.sh; longer campaigns by hand, docs/fuzzing.md)"
"$root/scripts/fuzz.sh" 12

echo "== all tests, release build"
"$root/scripts/build.sh" release
ctest --test-dir "$root/build" --output-on-failure -j 2
