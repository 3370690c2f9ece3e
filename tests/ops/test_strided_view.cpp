// The strided views TRANSPOSE, SLICE and STRIDED_SLICE copy (OpDef::
// strided_view, ops/strided_view.h): hand-computed views, the merging of
// contiguous axes, and the runs of kept and reduced dims MEAN/SUM walk.
#include <gtest/gtest.h>

#include "core/const_data.h"
#include "infer_helpers.h"
#include "ops/op_def.h"
#include "ops/reduce_runs.h"
#include "ops/strided_view.h"

namespace odin {
namespace {

using test::OpGraph;

void expect_view(const StridedView& v, std::vector<int64_t> counts, std::vector<int64_t> steps,
                 int64_t base) {
  EXPECT_EQ(v.counts, counts);
  EXPECT_EQ(v.steps, steps);
  EXPECT_EQ(v.base, base);
}

TEST(StridedView, CompactDropsOnesAndMergesContiguousAxes) {
  // A plain copy of [2, 3, 4] is one axis of 24.
  expect_view(compact({{2, 3, 4}, {12, 4, 1}, 5}), {24}, {1}, 5);
  // Size-1 axes go; [2, 1, 3] with a gap after the 2 stays two axes.
  expect_view(compact({{2, 1, 3}, {10, 99, 1}, 0}), {2, 3}, {10, 1}, 0);
  // Negative steps merge too: [3, 2] read backwards as one run of 6.
  expect_view(compact({{3, 2}, {-2, -1}, 5}), {6}, {-1}, 5);
  // An empty view is left alone.
  expect_view(compact({{0, 3}, {3, 1}, 0}), {0, 3}, {3, 1}, 0);
  // All ones: one element at base, no axes.
  expect_view(compact({{1, 1}, {7, 1}, 4}), {}, {}, 4);
}

TEST(StridedView, TransposeView) {
  // [2, 3, 4] strides [12, 4, 1]; perm [2, 0, 1] -> out [4, 2, 3].
  const std::vector<int64_t> perm = {2, 0, 1};
  const StridedView v = transpose_view(Shape({2, 3, 4}), perm);
  expect_view(v, {4, 2, 3}, {1, 12, 4}, 0);
  // [0, 1] then [2]: steps 12 = 3 * 4, so the last two merge.
  expect_view(compact(v), {4, 6}, {1, 4}, 0);
}

TEST(StridedView, OpDefsGiveTheirViews) {
  {
    OpGraph g;
    ASSERT_TRUE(g.infer(OpType::kSlice, {},
                        {g.input(DType::kF32, {2, 5, 6}), g.constant<int32_t>({3}, {1, 1, 2}),
                         g.constant<int32_t>({3}, {1, 3, -1})})
                    .ok());
    auto v = op_def(OpType::kSlice).strided_view(g.graph, g.graph.node(0));
    ASSERT_TRUE(v.ok()) << v.status().to_string();
    expect_view(*v, {1, 3, 4}, {30, 6, 1}, 30 + 6 + 2);
  }
  {
    // x[:, ::-1, 1::2] of [2, 3, 5]: begin [0, 0, 1], end [2, 0, 5] with
    // end_mask on dim 1, strides [1, -1, 2].
    OpGraph g;
    StridedSliceAttrs a;
    a.end_mask = 0b010;
    ASSERT_TRUE(g.infer(OpType::kStridedSlice, a,
                        {g.input(DType::kF32, {2, 3, 5}), g.constant<int32_t>({3}, {0, -1, 1}),
                         g.constant<int32_t>({3}, {2, 0, 5}), g.constant<int32_t>({3}, {1, -1, 2})})
                    .ok());
    auto v = op_def(OpType::kStridedSlice).strided_view(g.graph, g.graph.node(0));
    ASSERT_TRUE(v.ok()) << v.status().to_string();
    expect_view(*v, {2, 3, 2}, {15, -5, 2}, 2 * 5 + 1);
  }
  {
    OpGraph g;
    ASSERT_TRUE(g.infer(OpType::kTranspose, {},
                        {g.input(DType::kF32, {2, 3}), g.constant<int32_t>({2}, {1, 0})})
                    .ok());
    auto v = op_def(OpType::kTranspose).strided_view(g.graph, g.graph.node(0));
    ASSERT_TRUE(v.ok());
    expect_view(*v, {3, 2}, {1, 3}, 0);
  }
  EXPECT_EQ(op_def(OpType::kAdd).strided_view, nullptr);
}

TEST(ReduceRuns, AdjacentDimsOfOneKindMerge) {
  // [2, 3, 2, 4, 3] over axes 1 and -2: kept 2 | reduced 3 | kept 2 | reduced 4 | kept 3.
  const std::vector<int64_t> axes = {1, -2};
  const ReduceRuns r = reduce_runs(Shape({2, 3, 2, 4, 3}), axes);
  EXPECT_EQ(r.kept_dims, (std::vector<int64_t>{2, 2, 3}));
  EXPECT_EQ(r.kept_strides, (std::vector<int64_t>{72, 12, 1}));
  EXPECT_EQ(r.reduced_dims, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(r.reduced_strides, (std::vector<int64_t>{24, 3}));
  EXPECT_EQ(r.reduced_count, 12);
  // Axes 0, 1, 3, 4 (a repeat and a size-1 dim): [2,3] merge, [4,3] merge.
  const std::vector<int64_t> four = {0, 1, 3, 4, -1};
  const ReduceRuns s = reduce_runs(Shape({2, 3, 1, 4, 3}), four);
  EXPECT_TRUE(s.kept_dims.empty());
  EXPECT_EQ(s.reduced_dims, (std::vector<int64_t>{72}));
  EXPECT_EQ(s.reduced_strides, (std::vector<int64_t>{1}));
  EXPECT_EQ(s.reduced_count, 72);
}

}  // namespace
}  // namespace odin
