#!/usr/bin/env bash
# A short run of every libFuzzer target from its committed corpus (CI).
# usage: tools/fuzz_smoke.sh BUILD_DIR SECONDS_PER_TARGET
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-sanitize}"
seconds="${2:-30}"
for target in tflite_loader tflite_structured image_decode c_api gguf llama2c; do
  tools/fuzz.sh "$target" "$seconds" --build "$build" --fresh --quiet
done
echo "fuzz_smoke: every target ran ${seconds} s without a crash"
