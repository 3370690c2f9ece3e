# Cross-compiles for 64-bit Arm Linux with Debian's cross toolchain
# (g++-aarch64-linux-gnu) against multiarch arm64 packages (libhwy-dev:arm64,
# libgtest-dev:arm64, libstb-dev:arm64, libjpeg62-turbo-dev:arm64;
# tools/test_aarch64.sh installs them).
# Test binaries run under qemu-user: CMAKE_CROSSCOMPILING_EMULATOR makes
# gtest_discover_tests and ctest launch them through it.
#   cmake --preset aarch64   (or -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake)
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(ODIN_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${ODIN_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${ODIN_CROSS_TRIPLE}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${ODIN_CROSS_TRIPLE})

# Debian multiarch: the arm64 libraries and their CMake packages live in
# /usr/lib/aarch64-linux-gnu (found through CMAKE_LIBRARY_ARCHITECTURE), the
# cross C/C++ runtime in /usr/aarch64-linux-gnu, arch-independent headers in
# /usr/include. Programs (flatc, glslc) are the build machine's own.
set(CMAKE_FIND_ROOT_PATH /usr/${ODIN_CROSS_TRIPLE} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config (the fallback for Highway) must see the arm64 .pc files only.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${ODIN_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-${CMAKE_SYSTEM_PROCESSOR};-L;/usr/${ODIN_CROSS_TRIPLE})
