#!/usr/bin/env bash
# The main job: installs what nnlab needs, builds it, and runs the seed experiment
# (examples/seed_mlp.toml) on CIFAR-10. Extra arguments go to `nnlab train` (e.g. --epochs 5).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" release
if [ -z "${NNLAB_DATA:-}" ] && [ -d "$root/../shared/datasets" ]; then
  export NNLAB_DATA="$root/../shared/datasets"
fi
cd "$root"
exec "$root/build/nnlab" train examples/seed_mlp.toml "$@"
