#!/usr/bin/env bash
# Short libFuzzer run of the TFLite loader, seeded with the committed one-op
# models. usage: tools/fuzz_smoke.sh BUILD_DIR SECONDS
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-sanitize}"
seconds="${2:-60}"
fuzzer="$build/tests/fuzz_tflite_loader"
[ -x "$fuzzer" ] || { echo "fuzz_smoke: $fuzzer not built (configure with -DODIN_FUZZ=ON and clang)" >&2; exit 1; }
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
seeds=tests/fuzz/seeds
mkdir -p "$corpus/seeds" "$corpus/work"
cp tests/ops/models/*.tflite "$corpus/seeds/" 2>/dev/null || true
[ -d "$seeds" ] && cp "$seeds"/* "$corpus/seeds/" 2>/dev/null || true
# A crash, leak or out-of-memory fails the smoke. A slow input (libFuzzer's
# timeout, exit code 70) is a finding to fix, but shared CI machines make its
# timing noisy: it is reported and kept in fuzz-artifacts/ without failing.
rc=0
ASAN_OPTIONS=detect_leaks=1 "$fuzzer" -max_total_time="$seconds" -timeout=20 -timeout_exitcode=70 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$corpus/" "$corpus/work" \
  "$corpus/seeds" >"$corpus/log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  tail -n 40 "$corpus/log"
  mkdir -p fuzz-artifacts
  cp "$corpus"/crash-* "$corpus"/oom-* "$corpus"/timeout-* "$corpus"/leak-* fuzz-artifacts/ 2>/dev/null || true
  if [ "$rc" -eq 70 ]; then
    echo "fuzz_smoke: WARNING: a slow input (over 20 s) was found and copied to fuzz-artifacts/;" \
      "no crash" >&2
    exit 0
  fi
  echo "fuzz_smoke: the fuzzer found a failing input (copied to fuzz-artifacts/)" >&2
  exit 1
fi
tail -n 8 "$corpus/log"
echo "fuzz_smoke: ${seconds}s without a crash"
