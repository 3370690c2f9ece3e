# Optimized CPU kernels (kernels/cpu): Highway portable SIMD with run-time
# dispatch. Included by the top-level CMakeLists.txt.
find_package(hwy CONFIG QUIET)
if(hwy_FOUND)
  set(ODIN_HWY_TARGET hwy::hwy)
else()
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(ODIN_HWY REQUIRED IMPORTED_TARGET libhwy)
  set(ODIN_HWY_TARGET PkgConfig::ODIN_HWY)
endif()

file(GLOB ODIN_CPU_KERNEL_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/kernels/cpu/*.cpp)
target_sources(odin_core PRIVATE ${ODIN_CPU_KERNEL_SOURCES})
target_link_libraries(odin_core PUBLIC ${ODIN_HWY_TARGET})

# Targets compiled into every kernel file: the best x86 ones (AVX-512,
# AVX2) plus Highway's portable fallback; SSSE3/SSE4-only machines (pre-2013)
# use the fallback. Fewer targets keep build time down on small machines.
# On 64-bit Arm the kernels are built for NEON only: they keep arrays of
# vectors (register blocking), which SVE's sizeless vector types do not allow.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|i.86")
  set_source_files_properties(${ODIN_CPU_KERNEL_SOURCES} PROPERTIES
    COMPILE_DEFINITIONS "HWY_DISABLED_TARGETS=(HWY_SSSE3|HWY_SSE4)")
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64|ARM64")
  set_source_files_properties(${ODIN_CPU_KERNEL_SOURCES} PROPERTIES
    COMPILE_DEFINITIONS "HWY_DISABLED_TARGETS=(HWY_SVE|HWY_SVE2|HWY_SVE_256|HWY_SVE2_128)")
endif()

# Google Benchmark microbenchmarks of the kernels (built on request, never
# run by the tests): ninja odin_kernel_bench
find_package(benchmark CONFIG QUIET)
if(benchmark_FOUND AND EXISTS ${CMAKE_SOURCE_DIR}/benchmarks/kernel_bench.cpp)
  add_executable(odin_kernel_bench EXCLUDE_FROM_ALL ${CMAKE_SOURCE_DIR}/benchmarks/kernel_bench.cpp)
  target_link_libraries(odin_kernel_bench PRIVATE odin_core benchmark::benchmark
                                                  benchmark::benchmark_main)
endif()
