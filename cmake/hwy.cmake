# Highway (portable SIMD with run-time dispatch) and the targets compiled
# into every file that uses it.
find_package(hwy CONFIG QUIET)
if(ODIN_STATIC_EXECUTABLES AND CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64|ARM64")
  # NEON is the only target compiled in (below), so Highway dispatches
  # statically and odin calls nothing in libhwy: its headers suffice, and
  # Debian ships no libhwy.a to link statically.
  # (libhwy-dev:arm64 puts them in /usr/include, a default include path.)
  find_path(ODIN_HWY_INCLUDE_DIR hwy/highway.h REQUIRED)
  set(ODIN_HWY_TARGET "")
elseif(hwy_FOUND)
  set(ODIN_HWY_TARGET hwy::hwy)
else()
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(ODIN_HWY REQUIRED IMPORTED_TARGET libhwy)
  set(ODIN_HWY_TARGET PkgConfig::ODIN_HWY)
endif()

# Targets compiled into every Highway source: the best x86 ones (AVX-512,
# AVX2) plus Highway's portable fallback; SSSE3/SSE4-only machines (pre-2013)
# use the fallback. Fewer targets keep build time down on small machines.
# On 64-bit Arm the kernels are built for NEON only: they keep arrays of
# vectors (register blocking), which SVE's sizeless vector types do not allow.
function(odin_hwy_sources)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|i.86")
    set_source_files_properties(${ARGN} PROPERTIES
      COMPILE_DEFINITIONS "HWY_DISABLED_TARGETS=(HWY_SSSE3|HWY_SSE4)")
  elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64|ARM64")
    set_source_files_properties(${ARGN} PROPERTIES
      COMPILE_DEFINITIONS "HWY_DISABLED_TARGETS=(HWY_SVE|HWY_SVE2|HWY_SVE_256|HWY_SVE2_128)")
  endif()
endfunction()
