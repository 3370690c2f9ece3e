#!/usr/bin/env bash
# Checks the Vulkan and OpenCL backends on a real GPU in one call on a
# machine that has the GPU and its driver but no Vulkan loader, no OpenCL
# ICD entry, no network and none of odin's build dependencies (see the GPU
# notes' gpu_env.sh).
#
# 1. Here (the development machine), once:
#      tools/gpu_check.sh prepare [GPU_PACKAGES_DIR]
#    GPU_PACKAGES_DIR holds gpu_env.sh and debs/ (the loader packages). It
#    builds odin and the test binaries (release, build-gpu/), and gathers
#    into .gpu/ (git-ignored) what the GPU machine needs: gpu_env.sh, the
#    debs, the binaries, the shared libraries they use, and the models; the
#    run needs nothing outside the repository.
# 2. There, from the repository root, carrying .gpu:
#      tools/gpu_check.sh run
#    unpacks the loaders, lists devices, runs the Vulkan and OpenCL tests,
#    then per model and GPU backend: `odin bench` on the default kernels,
#    `odin tune`, `odin bench` on the tuned ones (and cpu, for comparison);
#    then an LLM (a test llama written there) through `odin bench-llm` on
#    the CPU, Vulkan and the Vulkan+CPU split (its share measured at load);
#    results go to $OUT (default ./gpu_out): devices.txt, tests_*.xml/.txt,
#    bench_<model>_<backend>[_tuned].json, tune_<model>_<backend>.txt,
#    bench_llm_{cpu,vulkan_cpu,vulkan_split_cpu}.json, the tuning cache (cache/odin/tuning),
#    summary.txt.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT="$PWD"
GPU_DIR="$ROOT/.gpu"
MODELS=(face_detection_short_range face_detection_full_range face_detection_full_range_sparse
        face_landmark palm_detection_lite palm_detection_full hand_landmark_lite hand_landmark_full)

prepare() {
  local pkgs="${1:-}"
  if [ -z "$pkgs" ] || [ ! -f "$pkgs/gpu_env.sh" ] || [ ! -d "$pkgs/debs" ]; then
    echo "usage: tools/gpu_check.sh prepare GPU_PACKAGES_DIR (with gpu_env.sh and debs/)" >&2
    exit 2
  fi
  export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/odin/ccache}" CCACHE_BASEDIR="$ROOT"
  cmake -S "$ROOT" -B "$ROOT/build-gpu" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
  ninja -C "$ROOT/build-gpu" -j"${JOBS:-2}" odin odin_vulkan_tests odin_opencl_tests \
    odin_backend_tests odin_model_tests odin_write_test_llm || exit 1
  rm -rf "$GPU_DIR"
  mkdir -p "$GPU_DIR"/{bin,lib,models}
  cp "$pkgs/gpu_env.sh" "$GPU_DIR/"
  cp -r "$pkgs/debs" "$GPU_DIR/debs"
  cp "$ROOT/build-gpu/odin" "$ROOT"/build-gpu/tests/odin_{vulkan,opencl,backend,model}_tests \
    "$ROOT/build-gpu/tests/odin_write_test_llm" "$GPU_DIR/bin/"
  # Shared libraries the binaries need, except glibc itself.
  for bin in "$GPU_DIR"/bin/*; do
    ldd "$bin" | awk '/=> \// {print $3}'
  done | sort -u | grep -vE '/(libc|libm|libdl|librt|libpthread|ld-linux[^/]*)\.so' |
    xargs -r -I{} cp -L {} "$GPU_DIR/lib/"
  local model_dir="${ODIN_MODEL_DIR:-$HOME/.cache/odin/models}"
  for m in "${MODELS[@]}"; do
    [ -f "$model_dir/$m.tflite" ] || python3 "$ROOT/tools/fetch_models.py" "$m" || exit 1
    cp "$model_dir/$m.tflite" "$GPU_DIR/models/"
  done
  # The binaries name the source tree they were built from (test data, CLI path).
  echo "$ROOT" >"$GPU_DIR/source_root"
  # Kept out of git (in a worktree .git is a file: ask git where exclude is).
  local exclude
  exclude="$(git -C "$ROOT" rev-parse --git-path info/exclude 2>/dev/null)" ||
    exclude="$ROOT/.git/info/exclude"
  for p in /.gpu/ /build-gpu/; do
    grep -qxF "$p" "$exclude" 2>/dev/null || echo "$p" >>"$exclude"
  done
  echo "gpu_check: .gpu/ ready ($(du -sh "$GPU_DIR" | cut -f1)); on the GPU machine run," \
       "carrying .gpu:  tools/gpu_check.sh run"
}

run_check() {
  local out="${OUT:-$ROOT/gpu_out}"
  mkdir -p "$out"
  [ -d "$GPU_DIR/bin" ] || { echo "gpu_check: no .gpu/bin; run 'tools/gpu_check.sh prepare' first" >&2; exit 2; }
  # shellcheck disable=SC1091
  source "$GPU_DIR/gpu_env.sh" "$GPU_DIR/debs" >"$out/gpu_env.txt" 2>&1
  export LD_LIBRARY_PATH="$GPU_DIR/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export ODIN_MODEL_DIR="$GPU_DIR/models"
  export XDG_CACHE_HOME="$out/cache"  # pipeline, program and tuning caches, fresh then warm
  # The test binaries read tests/ under the tree they were built from.
  local built_root
  built_root="$(cat "$GPU_DIR/source_root")"
  if [ "$built_root" != "$ROOT" ] && [ ! -e "$built_root" ]; then
    mkdir -p "$(dirname "$built_root")" && ln -s "$ROOT" "$built_root"
  fi
  [ -e "$built_root/build-gpu/odin" ] || { mkdir -p "$ROOT/build-gpu" && cp "$GPU_DIR/bin/odin" "$ROOT/build-gpu/"; }
  local odin="$GPU_DIR/bin/odin" status=0
  { nvidia-smi -L 2>&1; vulkaninfo --summary 2>&1; clinfo -l 2>&1; } >"$out/vulkaninfo.txt"
  "$odin" devices >"$out/devices.txt" 2>&1
  cat "$out/devices.txt"

  local gpu_filter='*vulkan*:*opencl*:*Vulkan*:*OpenCL*:*Gpu*:*Tuning*'
  for t in odin_vulkan_tests odin_opencl_tests odin_backend_tests odin_model_tests; do
    local filter='*'
    case "$t" in odin_backend_tests | odin_model_tests) filter="$gpu_filter" ;; esac
    local t0=$SECONDS
    "$GPU_DIR/bin/$t" --gtest_filter="$filter" --gtest_output="xml:$out/tests_$t.xml" \
      >"$out/tests_$t.txt" 2>&1 || status=1
    echo "$t: $(grep -E '^\[  (PASSED|FAILED|SKIPPED) +\] [0-9]+ tests?' "$out/tests_$t.txt" |
      sed 's/, listed below://' | tr '\n' ' ')($((SECONDS - t0)) s)" |
      tee -a "$out/summary.txt"
  done

  # Per model: each GPU backend on its default kernels (the tuning cache
  # off), tuned, then on its winners; the CPU for comparison.
  local bench=(--runs 100 --warmup 10 --json)
  for m in "${MODELS[@]}"; do
    for b in vulkan opencl; do
      ODIN_TUNING_CACHE=off "$odin" bench "$m" --backend "$b" "${bench[@]}" \
        >"$out/bench_${m}_$b.json" 2>"$out/bench_${m}_$b.err" || status=1
      "$odin" tune "$m" --backend "$b" >"$out/tune_${m}_$b.txt" 2>&1 || status=1
      "$odin" bench "$m" --backend "$b" "${bench[@]}" \
        >"$out/bench_${m}_${b}_tuned.json" 2>"$out/bench_${m}_${b}_tuned.err" || status=1
    done
    "$odin" bench "$m" --backend cpu "${bench[@]}" >"$out/bench_${m}_cpu.json" \
      2>"$out/bench_${m}_cpu.err" || status=1
    python3 - "$out" "$m" <<'EOF' | tee -a "$out/summary.txt"
import json, sys
out, m = sys.argv[1], sys.argv[2]
row = [m]
for run in ("vulkan", "vulkan_tuned", "opencl", "opencl_tuned", "cpu"):
    try:
        j = json.load(open(f"{out}/bench_{m}_{run}.json"))
    except Exception as e:  # keep going: the .err file says why
        row.append(f"{run}: no result ({e.__class__.__name__})")
        continue
    lat = j.get("latency_ms", {})
    row.append(f"{run}: median {lat.get('median', '?')} ms, min {lat.get('min', '?')} ms, "
               f"init {j.get('init_ms', '?')} ms, first run {j.get('first_run_ms', '?')} ms, "
               f"dispatches {j.get('dispatches', '?')}, submits {j.get('submits', '?')}")
print("  ".join(row))
EOF
  done
  bench_llm "$odin" "$GPU_DIR/bin/odin_write_test_llm" "$out" || status=1
  echo "gpu_check: results in $out (status $status)"
  return $status
}

# An LLM on each way of running it: the CPU, Vulkan, and each step split
# between them at the share measured at load (Confidant).
bench_llm() {
  local odin="$1" writer="$2" out="$3" status=0
  local model="$out/llama-q4_0.gguf"
  "$writer" --tests-dir "$ROOT/tests" llama-q4_0 "$model" >"$out/llm_model.txt" 2>&1 || return 1
  for b in cpu vulkan,cpu vulkan+cpu; do
    local name="${b//,/_}"
    name="${name//+/_split_}"
    "$odin" bench-llm "$model" --backend "$b" -p 512 -n 128 -t 1 --json \
      >"$out/bench_llm_$name.json" 2>"$out/bench_llm_$name.err" || status=1
    python3 - "$out/bench_llm_$name.json" "$b" <<'EOF' | tee -a "$out/summary.txt"
import json, sys
path, backend = sys.argv[1], sys.argv[2]
try:
    j = json.load(open(path))
except Exception as e:  # the .err file says why
    print(f"llm {backend}: no result ({e.__class__.__name__})")
    sys.exit(0)
rates = ", ".join(f"{r['test']} {r['tokens_per_s']:.0f} tok/s" for r in j["results"])
split = j.get("split")
extra = (f"; split: {split['device']} {100 * split['device_share']:.0f} %, "
         f"{split['device_kv_heads']} of {split['kv_heads']} KV heads" if split else "")
print(f"llm {backend}: {rates}; nodes {j['nodes_by_backend']}{extra}")
EOF
  done
  rm -f "$model"
  return $status
}

case "${1:-}" in
  prepare) shift; prepare "$@" ;;
  run) run_check ;;
  *) sed -n '2,21p' "$0"; exit 2 ;;
esac
