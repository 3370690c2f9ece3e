// Without Vulkan headers or glslc at configure time odin builds without the
// Vulkan backend; the Vulkan test binary then says so instead of passing.
#include <gtest/gtest.h>

#ifndef ODIN_HAVE_VULKAN
TEST(Vulkan, NotBuilt) {
  GTEST_SKIP() << "skipped: no Vulkan device (odin was built without the Vulkan backend; "
                  "install libvulkan-dev and glslc, then re-run cmake)";
}
#endif
