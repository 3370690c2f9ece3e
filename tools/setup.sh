#!/usr/bin/env bash
# Installs the Debian 12 packages odin needs to build, test and fetch models.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  clang libclang-rt-14-dev          # sanitizer + libFuzzer build
  flatbuffers-compiler libflatbuffers-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libstb-dev libjpeg62-turbo-dev libpcre2-dev libcli11-dev nlohmann-json3-dev libeigen3-dev libhwy-dev
  python3                           # tools (fetch_models.py)
  python3-dev pybind11-dev python3-pybind11 python3-numpy python3-pytest  # the Python package
  clang-format
  libvulkan-dev glslc               # Vulkan backend: headers and the GLSL -> SPIR-V compiler
  mesa-vulkan-drivers vulkan-tools  # lavapipe (CPU Vulkan driver, used in CI) and vulkaninfo
  opencl-headers ocl-icd-libopencl1 # OpenCL backend: headers and the ICD loader (opened at run time)
  pocl-opencl-icd clinfo            # PoCL (CPU OpenCL platform, used in CI) and clinfo
  librsvg2-bin                      # rsvg-convert: the test renders odin report's plots
  chromium                          # headless: odin report --png renders the page (and its test)
)

# npm fetches the models; some images ship Node.js (with npm) from elsewhere.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi
cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}" >&2
  echo "setup: run as root:  $cmd" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
