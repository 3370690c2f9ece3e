#!/usr/bin/env bash
# Cross-compiles odin for aarch64 (Debian's g++-aarch64-linux-gnu) and runs the
# op, model, backend, cpu (multi-threaded kernels) and concurrency tests under
# qemu-aarch64: the NEON kernels and the thread pool checked for correctness
# (speed is measured on x86 only). The executables are linked statically
# (ODIN_STATIC_EXECUTABLES in the preset): Debian 12's qemu-aarch64 (7.2)
# hangs inside the dynamic loader when a dynamically linked program creates
# its first thread (a 5-line std::thread program hangs the same way), while
# statically linked programs run threads normally.
# Installs the arm64 packages as root; otherwise prints the command to run.
#   ODIN_MODEL_DIR   where the models are (default ~/.cache/odin/models)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

step() { printf '\n== %s\n' "$*"; }

step "aarch64 setup"
HOST_PACKAGES=(g++-aarch64-linux-gnu qemu-user flatbuffers-compiler nlohmann-json3-dev libcli11-dev
               cmake ninja-build ccache)
ARM64_PACKAGES=(libhwy-dev:arm64 libgtest-dev:arm64 libstb-dev:arm64 libjpeg62-turbo-dev:arm64
                libpcre2-dev:arm64)
missing=()
for p in "${HOST_PACKAGES[@]}" "${ARM64_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all aarch64 cross packages present"
else
  arch_cmd=""
  dpkg --print-foreign-architectures | grep -qx arm64 || arch_cmd="dpkg --add-architecture arm64 && "
  cmd="${arch_cmd}apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages: ${missing[*]}" >&2
    echo "setup: run as root:  $cmd" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  [ -z "$arch_cmd" ] || dpkg --add-architecture arm64
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/odin/ccache}"
export CCACHE_BASEDIR="$PWD"
step "aarch64 cross build"
cmake --preset aarch64 >/dev/null
cmake --build --preset aarch64
build_s=$((SECONDS - start))

step "aarch64 tests under qemu (op, model, backend, cpu threads, concurrency)"
models="${ODIN_MODEL_DIR:-$HOME/.cache/odin/models}"
[ -f "$models/face_detection_short_range.tflite" ] ||
  echo "warning: no models in $models (python3 tools/fetch_models.py); model tests will fail" >&2
export ODIN_MODEL_DIR="$models"
ctest_start=$SECONDS
rc=0
ctest --preset aarch64 || rc=$?
printf '\naarch64: %d s (setup + build %d s, tests %d s)\n' \
  $((SECONDS - start)) "$build_s" $((SECONDS - ctest_start))
exit $rc
