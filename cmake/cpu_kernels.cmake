# Optimized CPU kernels (kernels/cpu, Highway) and the CPU backend
# (backends/cpu). Included by the top-level CMakeLists.txt.
odin_layer(odin_kernels_cpu kernels/cpu/*.cpp)
file(GLOB ODIN_CPU_KERNEL_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/kernels/cpu/*.cpp)
odin_hwy_sources(${ODIN_CPU_KERNEL_SOURCES})
target_link_libraries(odin_kernels_cpu PUBLIC odin_ir odin_quant PRIVATE ${ODIN_HWY_TARGET})

odin_layer(odin_backend_cpu backends/cpu/*.cpp)
target_link_libraries(odin_backend_cpu PUBLIC odin_runtime PRIVATE odin_kernels_cpu odin_ops)

# Google Benchmark microbenchmarks of the kernels (built on request, never
# run by the tests): ninja odin_kernel_bench
find_package(benchmark CONFIG QUIET)
if(benchmark_FOUND AND EXISTS ${CMAKE_SOURCE_DIR}/benchmarks/kernel_bench.cpp)
  add_executable(odin_kernel_bench EXCLUDE_FROM_ALL ${CMAKE_SOURCE_DIR}/benchmarks/kernel_bench.cpp)
  target_link_libraries(odin_kernel_bench PRIVATE odin_kernels_cpu odin_quant benchmark::benchmark
                                                  benchmark::benchmark_main)
endif()
