#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan, in build-fuzz/) and runs each for a fixed
# time from its seed corpus. Usage: scripts/fuzz.sh [seconds per target, default 12] [target names…]
# The default keeps the whole step, build included, under 4 minutes on 2 cores (docs/fuzzing.md has the figures).
# Exits 1 when a target fails; the input that did is left in build-fuzz/crashes/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-12}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(experiment_toml layer_toml model_file image_decode idx cifar_archive numpy csv)
build="$root/build-fuzz"
clang="$(command -v clang++ || command -v clang++-14 || true)"
if [ -z "$clang" ]; then
  echo "fuzz.sh: clang++ not found; install clang (Debian: apt-get install clang)" >&2
  exit 2
fi

echo "== build ($build, $clang)"
start=$SECONDS
# -O1 and line tables only: the usual libFuzzer trade between execution speed and build time.
CC="${clang%++}" CXX="$clang" cmake -S "$root" -B "$build" -G Ninja -DNNLAB_FUZZ=ON -DNNLAB_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" >/dev/null
ninja -C "$build" nnlab_fuzz_targets
echo "build: $((SECONDS - start)) s"

# Inputs libFuzzer finds go to build-fuzz/corpus/<target> (kept between runs), never into the seeds of the tree.
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
for target in "${targets[@]}"; do
  mkdir -p "$build/corpus/$target" "$build/crashes"
  dict=()
  case "$target" in
    experiment_toml | layer_toml) dict=(-dict="$root/tests/fuzz/toml.dict") ;;
    model_file) dict=(-dict="$root/tests/fuzz/model_file.dict") ;;
  esac
  seeds=("$root/tests/fuzz/corpus/$target")
  [ "$target" = experiment_toml ] && seeds+=("$root/examples")
  echo "== $target, $seconds s"
  log="$build/$target.log"
  # Sizes a reader takes from its input must never reach an allocation: 2 GB of memory in all, or in one
  # allocation, is a failure, as is an input that takes more than 10 s.
  if ! "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$build/crashes/$target-" "${dict[@]}" \
    "$build/corpus/$target" "${seeds[@]}" >"$log" 2>&1; then
    status=1
    echo "fuzz.sh: $target failed; its log is $log, the input in $build/crashes/" >&2
    grep -E "ERROR|SUMMARY|Test unit written" "$log" >&2 || tail -n 30 "$log" >&2
  fi
  grep -E "^stat::number_of_executed_units" "$log" || true
done
echo "total: $((SECONDS - start)) s"
exit $status
