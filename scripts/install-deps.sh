#!/usr/bin/env bash
# Installs every Debian package nnlab needs, by name. Idempotent: installs only what is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config    # the toolchain
  libdnnl-dev                         # oneDNN: the CPU matmul kernels
  ocl-icd-opencl-dev                  # Debian's oneDNN CMake config asks for OpenCL (its GPU runtime)
  libtomlplusplus-dev                 # experiment files (TOML)
  libcli11-dev                        # the command line
  nlohmann-json3-dev                  # model-file headers, history.json
  libarchive-dev zlib1g-dev           # reading cifar-10-binary.tar.gz and gzip'd IDX without extracting them
  libjpeg62-turbo-dev libpng-dev      # image-folder datasets (JPEG, PNG)
  libcurl4-openssl-dev                # nnlab download (HTTPS, resume)
  libcairo2-dev                       # figures: augment-preview grids (PNG, text)
  liblapacke-dev                      # ZCA whitening: the symmetric eigen-solver (dsyevd)
  openmpi-bin libopenmpi-dev          # data-parallel training over processes and machines (mpirun)
  chromium                            # the HTML report test opens report.html in a headless browser
  dataset-fashion-mnist               # a second real dataset every machine can have (tests, examples)
  python3-sklearn                     # its breast_cancer.csv: the tabular example (examples/breast_cancer.toml)
  python3-numpy                       # tests: .npy/.npz files written by numpy itself
  libgtest-dev libgmock-dev           # tests
  libbenchmark-dev                    # bench/
  clang-format                        # the format check
  clang libclang-rt-14-dev            # fuzzing: clang 14 with libFuzzer (scripts/fuzz.sh)
  libonnx-dev                         # onnx.proto, the schema nnlab export writes
  protobuf-compiler libprotobuf-dev   # protoc and the runtime for it
  python3-onnx                        # tests: the ONNX checker accepts what nnlab export writes
)

# ONNX Runtime's CPU library comes inside npm's onnxruntime-node; --ignore-scripts keeps its install script from
# downloading anything else. Installed into .deps/node (ignored by git), where the tests look for it.
install_onnxruntime() {
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.deps/node"
  if [ -f "$dir/node_modules/onnxruntime-node/package.json" ]; then return 0; fi
  # Node.js and npm come with the machine (Debian's own nodejs package conflicts with that install).
  if ! command -v npm >/dev/null; then
    echo "install-deps: npm not found; install Node.js 18 or later (it brings npm), then run this again" >&2
    exit 1
  fi
  echo "install-deps: installing onnxruntime-node 1.31.1 into $dir"
  mkdir -p "$dir"
  (cd "$dir" && npm install --ignore-scripts --no-audit --no-fund --silent onnxruntime-node@1.31.1)
}

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  install_onnxruntime
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_onnxruntime
