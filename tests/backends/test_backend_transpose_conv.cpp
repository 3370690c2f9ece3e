// Transposed convolution on the GPU backends beyond the one-op goldens:
// MediaPipe's Convolution2DTransposeBias (its own output size and operand
// order, the same kernels) matches the reference on each, in fp32 and fp16;
// a filter computed at run time is declined for one reason
// (ops/transpose_conv_geometry.h) and the node runs on the CPU.
#include <gtest/gtest.h>

#include "fused_run.h"
#include "graph_builder.h"
#include "runtime/backend.h"

namespace odin {
namespace {

// The GPU backends with a device here.
std::vector<std::string> available_gpu_backends() {
  std::vector<std::string> out;
  for (const std::string& name : test::gpu_backends())
    if (Backend* b = find_backend(name); b && b->available()) out.push_back(name);
  return out;
}

TEST(BackendTransposeConv, MediaPipeTransposeBiasMatchesTheReference) {
  // SAME, stride 2, odd width 5: MediaPipe's output is 8x9 (pad 1 before on
  // both axes), 5 output channels (a tail past 4).
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 4, 5, 3}));
  const ValueId w =
      m.constant_f32("w", Shape({5, 3, 3, 3}), test::splitmix_values(135, 11, -0.5f, 0.5f));
  const ValueId b = m.constant_f32("b", Shape({5}), test::splitmix_values(5, 12, -0.2f, 0.2f));
  TransposeConvAttrs a;
  a.padding = Padding::kSame;
  a.stride_h = a.stride_w = 2;
  const Graph g = m.finish({m.node(OpType::kConvolution2DTransposeBias, {x, w, b}, a)});
  ASSERT_EQ(g.value(g.outputs()[0]).shape, Shape({1, 8, 9, 5}));
  const test::FusedRun want = test::run_fused(g, {"cpu"}, false);
  const std::vector<std::string> gpus = available_gpu_backends();
  if (gpus.empty()) GTEST_SKIP() << "skipped: no GPU device";
  for (const std::string& name : gpus)
    for (bool fp16 : {false, true}) {
      const test::FusedRun got = test::run_fused(g, {name, "cpu"}, true, fp16);
      EXPECT_EQ(got.backend, name) << got.fallback;
      ASSERT_EQ(got.out.size(), want.out.size());
      EXPECT_LE(test::rel_range(want.out.data(), got.out.data(), want.out.size()),
                fp16 ? 1e-2 : 1e-5)
          << name << (fp16 ? " fp16" : " fp32");
    }
}

TEST(BackendTransposeConv, RunTimeFilterFallsBackWithTheReason) {
  test::GraphMaker m;
  const ValueId shape = m.constant_i32("output_shape", Shape({4}), {1, 8, 8, 2});
  const ValueId filter = m.input("filter", Shape({2, 3, 3, 3}));
  const ValueId x = m.input("x", Shape({1, 4, 4, 3}));
  TransposeConvAttrs a;
  a.padding = Padding::kSame;
  a.stride_h = a.stride_w = 2;
  const Graph g = m.finish({m.node(OpType::kTransposeConv, {shape, filter, x}, a)});
  const std::vector<std::string> gpus = available_gpu_backends();
  if (gpus.empty()) GTEST_SKIP() << "skipped: no GPU device";
  for (const std::string& name : gpus) {
    SessionOptions o;
    o.backends = {name, "cpu"};
    auto s = Session::create(g, o);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    EXPECT_EQ((*s)->node_backend(0), "cpu");
    EXPECT_EQ((*s)->node_fallback(0),
              name + ": TRANSPOSE_CONV with run-time (non-constant) weights not supported");
  }
}

}  // namespace
}  // namespace odin
