// Cases mirror tensorflow/lite/kernels/strided_slice_test.cc where they can,
// with input values 0, 1, 2, ... so every output value names its source index.
#include <gtest/gtest.h>

#include <limits>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::OpGraph;

struct Sliced {
  Status status;
  Shape shape;
  std::vector<int32_t> values;
};

StridedSliceAttrs masks(int32_t begin, int32_t end, int32_t ellipsis = 0, int32_t new_axis = 0,
                        int32_t shrink = 0, bool offset = false) {
  return StridedSliceAttrs{begin, end, ellipsis, new_axis, shrink, offset};
}

// Infers the node, then runs the kernel on iota input into the inferred shape.
Sliced slice(Shape in_shape, std::vector<int32_t> b, std::vector<int32_t> e, std::vector<int32_t> s,
             StridedSliceAttrs attrs = {}) {
  Sliced r;
  OpGraph g;
  const auto n = static_cast<int64_t>(b.size());
  r.status = g.infer(OpType::kStridedSlice, attrs,
                     {g.input(DType::kI32, in_shape), g.constant<int32_t>({n}, b),
                      g.constant<int32_t>({static_cast<int64_t>(e.size())}, e),
                      g.constant<int32_t>({static_cast<int64_t>(s.size())}, s)});
  if (!r.status.ok()) return r;
  r.shape = g.out().shape;
  auto in = test::iota_buf<int32_t>(in_shape);
  auto out = test::out_buf<int32_t>(r.shape);
  auto bb = buf<int32_t>({n}, b), eb = buf<int32_t>({n}, e),
       sb = buf<int32_t>({static_cast<int64_t>(s.size())}, s);
  r.status = ref::strided_slice(attrs, in.view(), bb.view(), eb.view(), sb.view(), out.mut());
  r.values = out.data;
  return r;
}

using V = std::vector<int32_t>;

TEST(StridedSlice, NegativeBeginAndEnd) {
  auto r = slice({4}, {-3}, {3}, {1});
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();
  EXPECT_EQ(r.values, (V{1, 2}));
  r = slice({4}, {1}, {-1}, {1});
  EXPECT_EQ(r.values, (V{1, 2}));
  r = slice({3}, {-100}, {100}, {1});  // clamped to the whole axis
  EXPECT_EQ(r.values, (V{0, 1, 2}));
}

TEST(StridedSlice, NegativeStrides) {
  auto r = slice({3}, {-1}, {-4}, {-1});
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();
  EXPECT_EQ(r.values, (V{2, 1, 0}));
  r = slice({5}, {4}, {0}, {-2});
  EXPECT_EQ(r.values, (V{4, 2}));
  r = slice({2, 3}, {0, 0}, {0, 0}, {1, -1}, masks(3, 3));  // [:, ::-1]
  EXPECT_EQ(r.shape, Shape({2, 3}));
  EXPECT_EQ(r.values, (V{2, 1, 0, 5, 4, 3}));
  r = slice({7}, {1}, {6}, {3});
  EXPECT_EQ(r.values, (V{1, 4}));
  r = slice({4}, {1}, {3}, {-1});  // empty: forward range with backward stride
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.shape, Shape({0}));
}

TEST(StridedSlice, BeginAndEndMasks) {
  EXPECT_EQ(slice({4}, {2}, {3}, {1}, masks(1, 0)).values, (V{0, 1, 2}));
  EXPECT_EQ(slice({4}, {2}, {3}, {1}, masks(0, 1)).values, (V{2, 3}));
  EXPECT_EQ(slice({4}, {2}, {3}, {-1}, masks(0, 1)).values, (V{2, 1, 0}));
  // Specs shorter than the rank: the trailing dims are taken whole.
  auto r = slice({2, 3}, {1}, {2}, {1});
  EXPECT_EQ(r.shape, Shape({1, 3}));
  EXPECT_EQ(r.values, (V{3, 4, 5}));
}

TEST(StridedSlice, ShrinkAxis) {
  auto r = slice({2, 3}, {1, 0}, {2, 3}, {1, 1}, masks(0, 0, 0, 0, 1));
  EXPECT_EQ(r.shape, Shape({3}));
  EXPECT_EQ(r.values, (V{3, 4, 5}));
  // Negative begin with an end that would be empty: shrink ignores end.
  r = slice({2, 3}, {-1, 0}, {0, 3}, {1, 1}, masks(0, 0, 0, 0, 1));
  EXPECT_EQ(r.values, (V{3, 4, 5}));
  r = slice({2, 3}, {1, -1}, {2, 0}, {1, 1}, masks(0, 0, 0, 0, 3));
  EXPECT_EQ(r.shape, Shape({}));
  EXPECT_EQ(r.values, (V{5}));
  EXPECT_FALSE(slice({2, 3}, {2, 0}, {3, 3}, {1, 1}, masks(0, 0, 0, 0, 1)).status.ok());
}

TEST(StridedSlice, NewAxis) {
  // [newaxis, :, 1:] on [2,3]
  auto r = slice({2, 3}, {0, 0, 1}, {0, 2, 3}, {1, 1, 1}, masks(0, 0, 0, 1));
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();
  EXPECT_EQ(r.shape, Shape({1, 2, 2}));
  EXPECT_EQ(r.values, (V{1, 2, 4, 5}));
  // [:, newaxis] on [2,3] -> [2,1,3]
  r = slice({2, 3}, {0, 0}, {2, 0}, {1, 1}, masks(0, 0, 0, 2));
  EXPECT_EQ(r.shape, Shape({2, 1, 3}));
  EXPECT_EQ(r.values, (V{0, 1, 2, 3, 4, 5}));
}

TEST(StridedSlice, Ellipsis) {
  // [..., 1:3] on [2,3,4]
  auto r = slice({2, 3, 4}, {0, 1}, {0, 3}, {1, 1}, masks(0, 0, 1));
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();
  EXPECT_EQ(r.shape, Shape({2, 3, 2}));
  ASSERT_EQ(r.values.size(), 12u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(r.values[static_cast<size_t>(2 * i)], 4 * i + 1);
    EXPECT_EQ(r.values[static_cast<size_t>(2 * i + 1)], 4 * i + 2);
  }
  // [..., 0] -> [2,3]
  r = slice({2, 3, 4}, {0, 0}, {0, 1}, {1, 1}, masks(0, 0, 1, 0, 2));
  EXPECT_EQ(r.shape, Shape({2, 3}));
  EXPECT_EQ(r.values, (V{0, 4, 8, 12, 16, 20}));
  // [1, ...] -> [3,4]
  r = slice({2, 3, 4}, {1, 0}, {2, 0}, {1, 1}, masks(0, 0, 2, 0, 1));
  EXPECT_EQ(r.shape, Shape({3, 4}));
  EXPECT_EQ(r.values.front(), 12);
  EXPECT_EQ(r.values.back(), 23);
  // [..., newaxis] -> [2,3,4,1]
  r = slice({2, 3, 4}, {0, 0}, {0, 0}, {1, 1}, masks(0, 0, 1, 2));
  EXPECT_EQ(r.shape, Shape({2, 3, 4, 1}));
  // [newaxis, ..., 1] -> [1,2,3]
  r = slice({2, 3, 4}, {0, 0, 1}, {0, 0, 2}, {1, 1, 1}, masks(0, 0, 2, 1, 4));
  EXPECT_EQ(r.shape, Shape({1, 2, 3}));
  EXPECT_EQ(r.values, (V{1, 5, 9, 13, 17, 21}));
  // An ellipsis bit wins over a new-axis bit on the same spec.
  r = slice({2, 3}, {0}, {0}, {1}, masks(0, 0, 1, 1));
  EXPECT_EQ(r.shape, Shape({2, 3}));
}

TEST(StridedSlice, Offset) {
  // end is relative to begin: [1, 1+3) on [5]
  auto r = slice({5}, {1}, {3}, {1}, masks(0, 0, 0, 0, 0, true));
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();
  EXPECT_EQ(r.values, (V{1, 2, 3}));
  r = slice({3, 4}, {1, -3}, {2, 2}, {1, 1}, masks(0, 0, 0, 0, 0, true));
  EXPECT_EQ(r.shape, Shape({2, 2}));
  EXPECT_EQ(r.values, (V{5, 6, 9, 10}));
}

TEST(StridedSlice, HostileInt64Values) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  struct Case {
    int64_t b, e, s;
    std::vector<int32_t> want;
  };
  const Case cases[] = {{kMin, kMax, kMax, {0}},
                        {kMax, kMin, kMin, {3}},
                        {kMin, kMax, 1, {0, 1, 2, 3}},
                        {kMax, kMax, 1, {}}};
  for (const Case& c : cases) {
    for (bool offset : {false, true}) {
      const StridedSliceAttrs attrs = masks(0, 0, 0, 0, 0, offset);
      OpGraph g;
      const Status st = g.infer(OpType::kStridedSlice, attrs,
                                {g.input(DType::kI32, {4}), g.constant<int64_t>({1}, {c.b}),
                                 g.constant<int64_t>({1}, {c.e}), g.constant<int64_t>({1}, {c.s})});
      ASSERT_TRUE(st.ok()) << st.to_string();
      auto in = test::iota_buf<int32_t>({4});
      auto out = test::out_buf<int32_t>(g.out().shape);
      auto bb = buf<int64_t>({1}, {c.b}), eb = buf<int64_t>({1}, {c.e}),
           sb = buf<int64_t>({1}, {c.s});
      ASSERT_TRUE(
          ref::strided_slice(attrs, in.view(), bb.view(), eb.view(), sb.view(), out.mut()).ok());
      if (!offset) {
        EXPECT_EQ(out.data, c.want) << c.b << " " << c.e << " " << c.s;
      }
    }
  }
}

TEST(StridedSlice, Errors) {
  EXPECT_FALSE(slice({4}, {0}, {4}, {0}).status.ok());           // zero stride
  EXPECT_FALSE(slice({4}, {0, 0}, {4, 4}, {1, 1}).status.ok());  // too many specs
  EXPECT_FALSE(slice({4}, {0}, {4, 4}, {1}).status.ok());        // lengths differ
  EXPECT_FALSE(slice({2, 3}, {0, 0}, {0, 0}, {1, 1}, masks(0, 0, 3)).status.ok());  // 2 ellipses
  OpGraph g;  // begin not constant
  const Status s = g.infer(OpType::kStridedSlice, StridedSliceAttrs{},
                           {g.input(DType::kF32, {4}), g.input(DType::kI32, {1}),
                            g.constant<int32_t>({1}, {4}), g.constant<int32_t>({1}, {1})});
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace odin
