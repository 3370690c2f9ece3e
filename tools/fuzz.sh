#!/usr/bin/env bash
# Runs one libFuzzer target of the sanitizer build (tests/fuzz/README.md).
#   tools/fuzz.sh TARGET SECONDS [--build DIR] [--fresh] [--merge] [--quiet]
# TARGET: tflite_loader, tflite_structured, image_decode, c_api, gguf or llama2c.
# The run starts from the committed corpus tests/fuzz/corpus/TARGET (and
# tests/fuzz/regressions/TARGET, inputs that once failed; image_decode and gguf
# also from tests/data/images/formats and tests/data/gguf) and grows
# a work corpus in ${ODIN_FUZZ_DIR:-~/.cache/odin/fuzz}/TARGET that later runs
# continue from (--fresh: a temporary one, as CI does). --merge minimizes the
# committed corpus together with the work corpus back into tests/fuzz/corpus.
# Prints executions, edges covered (at 60 s and at the end) and findings.
# A crash, leak or out-of-memory fails with the input copied to
# fuzz-artifacts/; a slow input (over 20 s) is reported without failing,
# since shared machines make timing noisy.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 2 ] || usage
target="$1" seconds="$2"
shift 2
build=build-sanitize fresh=0 merge=0 quiet=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --merge) merge=1; shift ;;
    --quiet) quiet=1; shift ;;
    *) usage ;;
  esac
done
case "$target" in
  tflite_loader | tflite_structured | c_api) dict=tests/fuzz/dict/tflite.dict ;;
  image_decode) dict=tests/fuzz/dict/image.dict ;;
  gguf) dict=tests/fuzz/dict/gguf.dict ;;
  llama2c) dict= ;;  # seven int32 and floats: nothing for a dictionary
  *) echo "fuzz.sh: unknown target '$target'" >&2; usage ;;
esac
fuzzer="$build/tests/fuzz/fuzz_$target"
[ -x "$fuzzer" ] || {
  echo "fuzz.sh: $fuzzer not built: cmake --preset sanitize && cmake --build --preset sanitize" >&2
  exit 1
}
seeds="tests/fuzz/corpus/$target"
mkdir -p "$seeds"
# Inputs that once failed, and hand-made seeds, stay in every run whatever a
# merge keeps.
extra=()
[ -d "tests/fuzz/regressions/$target" ] && extra+=("tests/fuzz/regressions/$target")
[ "$target" = image_decode ] && extra+=(tests/data/images/formats)
[ "$target" = gguf ] && extra+=(tests/data/gguf)

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
if [ "$fresh" = 1 ]; then
  work="$scratch/work"
else
  work="${ODIN_FUZZ_DIR:-$HOME/.cache/odin/fuzz}/$target"
fi
mkdir -p "$work"
log="$scratch/log"

# Each line of libFuzzer's log gets the seconds since the start, so the
# coverage reached after the first minute can be told from the final one.
start=$SECONDS
set +e
ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}" \
  "$fuzzer" -max_total_time="$seconds" -timeout=20 -timeout_exitcode=70 -rss_limit_mb=2048 \
  ${dict:+-dict="$dict"} -print_final_stats=1 -artifact_prefix="$scratch/" "$work" "$seeds" "${extra[@]}" 2>&1 |
  while IFS= read -r line; do
    printf '%d\t%s\n' "$((SECONDS - start))" "$line"
    [ "$quiet" = 1 ] || printf '%s\n' "$line" >&2
  done >"$log"
rc=${PIPESTATUS[0]}
set -e

# "#123  NEW    cov: 4567 ft: ..." (libFuzzer's status lines).
cov_at() {
  awk -v t="$1" '$1 + 0 <= t && match($0, /cov: [0-9]+/) { c = substr($0, RSTART + 5, RLENGTH - 5) }
    END { print c + 0 }' "$log"
}
stat() { awk -v k="stat::$1:" '$2 == k { print $3 }' "$log" | tail -n 1; }
execs="$(stat number_of_executed_units)"
printf 'fuzz %s: %s s, %s execs (%s/s), edges %s at 60 s, %s at the end, %s new inputs, peak RSS %s MB\n' \
  "$target" "$seconds" "${execs:-?}" "$(stat average_exec_per_sec)" "$(cov_at 60)" "$(cov_at 1000000000)" \
  "$(stat new_units_added)" "$(stat peak_rss_mb)"

if [ "$rc" -ne 0 ]; then
  cut -f2- "$log" | tail -n 40
  mkdir -p fuzz-artifacts
  cp "$scratch"/crash-* "$scratch"/oom-* "$scratch"/timeout-* "$scratch"/leak-* "$scratch"/slow-unit-* \
    fuzz-artifacts/ 2>/dev/null || true
  if [ "$rc" -eq 70 ]; then
    echo "fuzz.sh: WARNING: $target: a slow input (over 20 s) was copied to fuzz-artifacts/; no crash" >&2
  else
    echo "fuzz.sh: $target found a failing input (copied to fuzz-artifacts/)" >&2
    exit 1
  fi
fi

if [ "$merge" = 1 ]; then
  merged="$scratch/merged"
  mkdir -p "$merged"
  "$fuzzer" -merge=1 -timeout=20 -rss_limit_mb=2048 "$merged" "$seeds" "$work" >"$scratch/merge.log" 2>&1
  rm -f "$seeds"/*
  cp "$merged"/* "$seeds"/
  echo "fuzz.sh: $seeds now holds $(ls "$seeds" | wc -l) inputs ($(du -sh "$seeds" | cut -f1))"
fi
