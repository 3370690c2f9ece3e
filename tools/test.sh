#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, model fetch, the release build
# and its tests, then the ASan+UBSan build, its tests and a smoke of each
# libFuzzer target, the ThreadSanitizer build of the concurrency tests, and
# aarch64 under qemu.
#   ODIN_SKIP_SANITIZE=1  skip the sanitizer builds (quick local runs)
#   ODIN_SKIP_AARCH64=1   skip the aarch64 cross build and its qemu tests
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "setup"
tools/setup.sh
step "models"
python3 tools/fetch_models.py

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/odin/ccache}"
export CCACHE_BASEDIR="$PWD"  # clones in other folders share the cache
step "release build"
cmake --preset release >/dev/null
cmake --build --preset release
step "release tests"
ctest --preset release
step "install check (C API: libodin, CMake package, pkg-config)"
tools/check_install.sh build

if [ "${ODIN_SKIP_SANITIZE:-0}" != 1 ]; then
  step "sanitizer build (ASan + UBSan, clang)"
  cmake --preset sanitize >/dev/null
  cmake --build --preset sanitize
  step "sanitizer tests"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --preset sanitize
  step "fuzz smoke (every libFuzzer target, 30 s each)"
  tools/fuzz_smoke.sh build-sanitize 30
  step "ThreadSanitizer: sessions sharing a model across threads, the thread pool"
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --preset tsan
fi
if [ "${ODIN_SKIP_AARCH64:-0}" != 1 ]; then
  step "aarch64: cross build, NEON kernels under qemu"
  tools/test_aarch64.sh
fi
step "all tests passed"
