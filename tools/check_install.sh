#!/usr/bin/env bash
# Installs the C API from a build folder into a temporary prefix, checks what
# libodin.so exports, then builds tests/consumer against the install with
# CMake (find_package, shared and static) and with pkg-config, and runs each
# on a model; then imports the installed Python package odin (when the build
# has ODIN_PYTHON on) and finds the face in the bundled astronaut photo.
#   tools/check_install.sh [BUILD_DIR=build] [MODEL=face_detection_short_range from the cache]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
model="${2:-${ODIN_MODEL_DIR:-$HOME/.cache/odin/models}/face_detection_short_range.tflite}"
if [ ! -f "$model" ]; then
  echo "check_install: model $model missing: run \`python3 tools/fetch_models.py\`" >&2
  exit 1
fi

# Runs a command quietly, showing its output only if it fails.
quiet() {
  local out
  out="$("$@" 2>&1)" || { printf '%s\n' "$out" >&2; return 1; }
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

# A CMake cache entry of the build ("" when unset).
cached() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
python_on="$(cached ODIN_PYTHON)"
targets=(odin_capi)
if [ "$python_on" = ON ]; then targets+=(odin_python); fi

quiet cmake --build "$build" --target "${targets[@]}"
quiet cmake --install "$build" --prefix "$prefix"
libdir="$(dirname "$(find "$prefix" -name libodin.a | head -n1)")"
for f in include/odin/odin.h include/odin/odin.hpp; do
  [ -f "$prefix/$f" ] || { echo "check_install: $f not installed" >&2; exit 1; }
done
for f in libodin.a libodin.so "libodin.so.$(sed -n 's/^#define ODIN_VERSION_MAJOR //p' include/odin/odin.h)" \
         pkgconfig/odin.pc cmake/odin/odinConfig.cmake; do
  [ -e "$libdir/$f" ] || { echo "check_install: $libdir/$f not installed" >&2; exit 1; }
done

# Only the C API may be exported.
exported="$(nm -D --defined-only "$libdir/libodin.so" | awk '{print $3}')"
if grep -v '^odin_' <<<"$exported"; then
  echo "check_install: libodin.so exports the symbols above (only odin_* allowed)" >&2
  exit 1
fi
echo "check_install: libodin.so exports $(wc -l <<<"$exported") odin_* symbols, nothing else"

echo "check_install: consumer via find_package(odin)"
quiet cmake -S tests/consumer -B "$tmp/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix"
quiet cmake --build "$tmp/consumer"
"$tmp/consumer/odin_consumer" "$model"
"$tmp/consumer/odin_consumer_static" "$model" >/dev/null
if ldd "$tmp/consumer/odin_consumer_static" | grep -q libodin; then
  echo "check_install: the static consumer links libodin.so" >&2
  exit 1
fi

echo "check_install: consumer via pkg-config"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc=${CC:-cc}
# shellcheck disable=SC2046  # pkg-config output is a list of flags
$cc -std=c11 -Wall -Wextra -Werror -pedantic tests/consumer/main.c -o "$tmp/pc_shared" \
  $(pkg-config --cflags --libs odin) -Wl,-rpath,"$(pkg-config --variable=libdir odin)"
"$tmp/pc_shared" "$model" >/dev/null
# shellcheck disable=SC2046
$cc -std=c11 -Wall -Wextra -Werror -pedantic tests/consumer/main.c -o "$tmp/pc_static" \
  $(pkg-config --cflags odin) $(pkg-config --static --libs odin | sed 's/-lodin\b/-l:libodin.a/')
"$tmp/pc_static" "$model" >/dev/null
echo "check_install: ok (CMake shared + static, pkg-config shared + static)"

if [ "$python_on" != ON ]; then
  echo "check_install: Python package skipped: $build has ODIN_PYTHON ${python_on:-unset} (not ON)"
  exit 0
fi
init="$(find "$prefix" -path '*/odin/__init__.py' | head -n1)"
if [ -z "$init" ]; then
  echo "check_install: the Python package odin was not installed under $prefix" \
       "(ODIN_PYTHON_INSTALL_DIR is $(cached ODIN_PYTHON_INSTALL_DIR))" >&2
  exit 1
fi
site="$(dirname "$(dirname "$init")")"
echo "check_install: Python package from ${site#"$prefix"/}"
# From an empty folder, so only the installed package can be imported; the
# faces must be the build's CLI's.
photo="$PWD/tests/data/images/astronaut.jpg"
want="$("$build/odin" faces "$photo" --json)"
python="$(cached Python3_EXECUTABLE)"
(cd "$tmp" && PYTHONPATH="$site" PYTHONNOUSERSITE=1 "$python" - "$prefix" "$photo" "$want" <<'PY'
import json, sys

import odin

prefix, photo, want = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])["faces"]
for module in (odin, odin._odin):
    if not module.__file__.startswith(prefix + "/"):
        sys.exit("check_install: %s imported from %s, not the install"
                 % (module.__name__, module.__file__))
faces = odin.detect_faces(photo)
if len(faces) != len(want) or not faces or any(
        abs(f.score - w["score"]) > 1e-4 or abs(f.box.x - w["box"]["x"]) > 0.01
        for f, w in zip(faces, want)):
    sys.exit("check_install: the installed package found %s, odin faces %s" % (faces, want))
print("check_install: Python ok (odin %s: %d face, score %.3f, as odin faces)"
      % (odin.__version__, len(faces), faces[0].score))
PY
)
