#!/usr/bin/env bash
# Configures and builds nnlab. Usage: scripts/build.sh [release|sanitize]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kind="${1:-release}"
case "$kind" in
  release)  dir="$root/build";      flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  sanitize) dir="$root/build-asan"; flags=(-DCMAKE_BUILD_TYPE=Debug -DNNLAB_SANITIZE=ON) ;;
  *) echo "build.sh: unknown build '$kind'; expected release or sanitize" >&2; exit 2 ;;
esac
cmake -S "$root" -B "$dir" -G Ninja "${flags[@]}" > "$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; exit 1; }
cmake --build "$dir" -j "$(nproc)"
