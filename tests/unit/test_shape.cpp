#include <gtest/gtest.h>

#include "core/attrs.h"
#include "core/shape.h"
#include "quant/fp16.h"

namespace odin {
namespace {

TEST(Shape, NumElementsAndOverflow) {
  EXPECT_EQ(Shape({1, 128, 128, 3}).num_elements(), 49152);
  EXPECT_EQ(Shape({}).num_elements(), 1);
  EXPECT_EQ(Shape({2, kDynamicDim}).num_elements(), -1);
  EXPECT_EQ(Shape({1 << 30, 1 << 30, 1 << 30}).num_elements(), -1);
  EXPECT_EQ(Shape({4, 0, 3}).num_elements(), 0);
}

TEST(Shape, SymbolicDimsPrint) {
  Shape s({1, kDynamicDim, 64});
  s.set_symbol(1, "seq");
  EXPECT_EQ(s.str(), "[1,seq,64]");
  EXPECT_FALSE(s.is_static());
}

TEST(Shape, NormalizeAxis) {
  int64_t a = 0;
  EXPECT_TRUE(normalize_axis(-1, 4, &a));
  EXPECT_EQ(a, 3);
  EXPECT_FALSE(normalize_axis(4, 4, &a));
  EXPECT_FALSE(normalize_axis(-5, 4, &a));
}

TEST(Padding, MatchesTfliteSame) {
  // in 7, filter 3, stride 2, SAME: out 4, total pad 2 -> 1 before, 1 after.
  auto p = compute_spatial_padding(Padding::kSame, 7, 3, 2, 1);
  EXPECT_EQ(p.out, 4);
  EXPECT_EQ(p.before, 1);
  EXPECT_EQ(p.after, 1);
  // in 8, filter 3, stride 2, SAME: out 4, total pad 1 -> 0 before, 1 after.
  p = compute_spatial_padding(Padding::kSame, 8, 3, 2, 1);
  EXPECT_EQ(p.out, 4);
  EXPECT_EQ(p.before, 0);
  EXPECT_EQ(p.after, 1);
  p = compute_spatial_padding(Padding::kValid, 7, 3, 3, 1);
  EXPECT_EQ(p.out, 2);
  EXPECT_EQ(p.before, 0);
}

TEST(Fp16, RoundTripsAndSpecialValues) {
  EXPECT_EQ(fp16_to_fp32(0x3c00), 1.0f);
  EXPECT_EQ(fp16_to_fp32(0xc000), -2.0f);
  EXPECT_EQ(fp16_to_fp32(0x7bff), 65504.0f);
  EXPECT_EQ(fp16_to_fp32(0x0001), 5.9604644775390625e-08f);  // smallest subnormal
  EXPECT_TRUE(std::isinf(fp16_to_fp32(0x7c00)));
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const uint16_t x = static_cast<uint16_t>(h);
    if ((x & 0x7c00) == 0x7c00 && (x & 0x3ff)) continue;  // nan payloads
    ASSERT_EQ(fp32_to_fp16(fp16_to_fp32(x)), x) << h;
  }
  EXPECT_EQ(fp32_to_fp16(1.0f + 1.0f / 4096), 0x3c00);  // ties to even
  EXPECT_EQ(fp32_to_fp16(1e6f), 0x7c00);
}

}  // namespace
}  // namespace odin
