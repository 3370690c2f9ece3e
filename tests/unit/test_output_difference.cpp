// output_difference: the one comparison bench, bisect, suite and the tests use.
#include <gtest/gtest.h>

#include <cmath>

#include "bench/output_difference.h"

namespace odin {
namespace {

TEST(OutputDifference, RelRangeIsTheLargestDifferenceOverTheLargestWantedMagnitude) {
  const float want[] = {1.0f, -4.0f, 2.0f};
  const float got[] = {1.5f, -4.0f, 1.0f};
  const OutputDifference d = output_difference(want, got, 3);
  EXPECT_DOUBLE_EQ(d.max_abs, 1.0);
  EXPECT_EQ(d.worst, 2u);
  EXPECT_DOUBLE_EQ(d.rel_range, 0.25);
}

TEST(OutputDifference, AllZeroWantGivesTheAbsoluteDifference) {
  const float want[] = {0.0f, 0.0f};
  const float got[] = {0.0f, -0.5f};
  EXPECT_DOUBLE_EQ(output_difference(want, got, 2).rel_range, 0.5);
}

TEST(OutputDifference, NanIsInfinitelyFar) {
  const float want[] = {1.0f, 2.0f, 3.0f};
  const float got[] = {1.0f, NAN, 3.0f};
  const OutputDifference d = output_difference(want, got, 3);
  EXPECT_TRUE(std::isinf(d.max_abs));
  EXPECT_TRUE(std::isinf(d.rel_range));
  EXPECT_EQ(d.worst, 1u);
}

}  // namespace
}  // namespace odin
