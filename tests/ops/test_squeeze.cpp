#include <gtest/gtest.h>

#include "infer_helpers.h"

namespace odin {
namespace {

using test::OpGraph;

Result<Shape> squeeze(Shape in, std::vector<int32_t> dims) {
  OpGraph g;
  const Status s = g.infer(OpType::kSqueeze, SqueezeAttrs{std::move(dims)},
                           {g.input(DType::kF32, std::move(in))});
  if (!s.ok()) return s;
  return g.out().shape;
}

TEST(Squeeze, AllOnesWhenListEmpty) {
  EXPECT_EQ(squeeze({1, 3, 1, 2, 1}, {}).value(), Shape({3, 2}));
  EXPECT_EQ(squeeze({1, 1}, {}).value(), Shape({}));
}

TEST(Squeeze, ListedDimsIncludingNegative) {
  EXPECT_EQ(squeeze({1, 3, 1, 2}, {0}).value(), Shape({3, 1, 2}));
  EXPECT_EQ(squeeze({1, 3, 1, 2}, {-2}).value(), Shape({1, 3, 2}));
  EXPECT_EQ(squeeze({1, 3, 1, 2}, {0, -2}).value(), Shape({3, 2}));
  EXPECT_EQ(squeeze({1, 3, 1, 2}, {2, -2}).value(), Shape({1, 3, 2}));  // repeated
}

TEST(Squeeze, Errors) {
  EXPECT_FALSE(squeeze({1, 3}, {1}).ok());  // not 1
  EXPECT_FALSE(squeeze({1, 3}, {2}).ok());  // out of range
  EXPECT_FALSE(squeeze({1, 3}, {-3}).ok());
  const auto s = squeeze({1, 3}, {1});
  EXPECT_NE(s.status().message().find("is not 1"), std::string::npos);
}

}  // namespace
}  // namespace odin
