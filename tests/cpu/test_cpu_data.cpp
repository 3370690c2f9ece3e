// The CPU's data-movement kernels against the reference kernels: TRANSPOSE,
// SLICE and STRIDED_SLICE as one strided copy (contiguous rows, element by
// element, a single element), GATHER_ND with constant tuples; 1-3 threads.
#include "cpu_test_util.h"
#include "graph_builder.h"

namespace odin {
namespace {

// One node over a float input of `in` (constant int operands `ints`),
// inferred; its CPU op must exist and match the reference.
void check(OpType op, OpAttrs attrs, Shape in, std::vector<std::vector<int32_t>> ints,
           const std::string& what) {
  test::GraphMaker m;
  const ValueId x = m.input("x", std::move(in));
  std::vector<ValueId> inputs = {x};
  for (size_t i = 0; i < ints.size(); ++i)
    inputs.push_back(
        m.constant_i32(str_cat("c", i), Shape({static_cast<int64_t>(ints[i].size())}), ints[i]));
  const Graph g = m.finish({m.node(op, inputs, std::move(attrs))});
  auto cpu = make_cpu_op(CpuOpContext{g, 3}, g.node(0));
  ASSERT_NE(cpu, nullptr) << what;
  test::expect_op_matches(g, *cpu, what, false, 0.0);
}

TEST(CpuData, TransposesSlicesAndStridedSlices) {
  check(OpType::kTranspose, {}, Shape({2, 3, 4, 5}), {{0, 3, 1, 2}}, "transpose 0312");
  check(OpType::kTranspose, {}, Shape({2, 3, 4, 2, 3}), {{4, 2, 0, 3, 1}}, "transpose rank 5");
  check(OpType::kTranspose, {}, Shape({4, 1, 6}), {{1, 0, 2}}, "transpose moving a 1 (a copy)");
  check(OpType::kSlice, {}, Shape({2, 5, 6, 3}), {{0, 1, 2, 1}, {-1, 3, -1, 2}}, "slice");
  check(OpType::kSlice, {}, Shape({2, 5, 6}), {{1, 4, 5}, {1, 1, 1}}, "slice of one element");
  StridedSliceAttrs masks;
  masks.end_mask = 0b1010;
  check(OpType::kStridedSlice, masks, Shape({2, 5, 6, 3}),
        {{0, 4, 5, -2}, {2, 0, 0, 0}, {1, -1, -2, 1}}, "strided slice, negative strides");
  StridedSliceAttrs shrink;
  shrink.shrink_axis_mask = 0b0101;
  check(OpType::kStridedSlice, shrink, Shape({2, 5, 6, 3}),
        {{1, 0, 2, 0}, {2, 5, 3, 2}, {1, 1, 1, 1}}, "strided slice, shrink axes");
}

TEST(CpuData, GatherNdWithConstantTuples) {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({4, 3, 5}));
  const ValueId t = m.constant_i32("t", Shape({2, 2, 2}), {3, 2, 0, 0, 1, 1, 3, 0});
  const Graph g = m.finish({m.node(OpType::kGatherNd, {x, t})});
  auto cpu = make_cpu_op(CpuOpContext{g, 3}, g.node(0));
  ASSERT_NE(cpu, nullptr);
  test::expect_op_matches(g, *cpu, "gather_nd depth 2", false, 0.0);
  // Run-time tuples are the reference kernel's (it reports a tuple out of range).
  test::GraphMaker r;
  const ValueId rx = r.input("x", Shape({4, 3, 5}));
  const ValueId rt = r.input("t", Shape({2, 2}), DType::kI32);
  const Graph rg = r.finish({r.node(OpType::kGatherNd, {rx, rt})});
  EXPECT_EQ(make_cpu_op(CpuOpContext{rg, 3}, rg.node(0)), nullptr);
}

}  // namespace
}  // namespace odin
