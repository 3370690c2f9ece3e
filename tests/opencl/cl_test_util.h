// The OpenCL tests' skip rule: a test that needs a platform reports why it
// is skipped, never passes silently.
#pragma once

#include <gtest/gtest.h>

#include "runtime/backend.h"

// Skips the current test when this machine has no usable OpenCL device.
#define ODIN_REQUIRE_OPENCL()                                                                  \
  do {                                                                                         \
    ::odin::Backend* odin_cl_ = ::odin::find_backend("opencl");                                \
    ASSERT_NE(odin_cl_, nullptr);                                                              \
    if (!odin_cl_->available()) GTEST_SKIP() << "skipped: " << odin_cl_->unavailable_reason(); \
  } while (0)
