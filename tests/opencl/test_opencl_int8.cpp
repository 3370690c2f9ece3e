// OpenCL's int8/uint8 storage and its limits (backends/opencl/cl_quant.h):
// int8 values crossing segment boundaries (a node OpenCL declines runs on
// the CPU between two OpenCL segments) in fp32 and fp16 storage, a
// CONCATENATION of more inputs than Vulkan's kernel binds, and the reasons
// it declines int8 nodes. The per-op exactness is
// tests/backends/test_backend_int8_ops.cpp's.
#ifdef ODIN_HAVE_OPENCL  // the whole file: these need the backend built in
#include <gtest/gtest.h>

#include "cl_test_util.h"
#include "graph_builder.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

// A value of dtype t quantized per tensor (shape set by inference).
ValueId q8(Graph& g, DType t, Shape shape = Shape()) {
  const ValueId v = test::add_value(g, std::move(shape), t);
  g.value(v).quant = QuantParams{{0.1f}, {t == DType::kI8 ? 3 : 131}, 0};
  return v;
}

// x -> CONCATENATION of 7 copies (OpenCL) -> TRANSPOSE (declined: the CPU)
// -> ADD of the transposed and itself (OpenCL).
Graph boundary_graph(DType t) {
  Graph g;
  const ValueId x = q8(g, t, Shape({1, 4, 6, 3}));
  g.inputs().push_back(x);
  const ValueId cat = q8(g, t), tr = q8(g, t), sum = q8(g, t);
  test::add_node(g, OpType::kConcatenation, ConcatenationAttrs{3, Activation::kNone},
                 std::vector<ValueId>(7, x), {cat});
  const ValueId perm = test::add_const_i32(g, Shape({4}), {0, 2, 1, 3});
  test::add_node(g, OpType::kTranspose, {}, {cat, perm}, {tr});
  test::add_node(g, OpType::kAdd, BinaryAttrs{}, {tr, tr}, {sum});
  g.outputs() = {sum};
  EXPECT_TRUE(infer_graph(g).ok());
  return g;
}

std::vector<uint8_t> run_bytes(const Graph& g, const std::vector<std::string>& backends, bool fp16,
                               std::vector<std::string>* placement) {
  SessionOptions options;
  options.backends = backends;
  options.allow_reduced_precision = fp16;
  options.exact_int8 = true;
  auto session = Session::create(g, options);
  EXPECT_TRUE(session.ok()) << session.status().message();
  if (!session.ok()) return {};
  Session& s = **session;
  std::vector<uint8_t> x(72);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>(i * 37 + 11);
  EXPECT_TRUE(s.set_input(0, x.data(), x.size()).ok());
  EXPECT_TRUE(s.run().ok());
  for (size_t n = 0; placement && n < s.graph().num_nodes(); ++n)
    placement->push_back(std::string(s.node_backend(n)));
  const ConstTensorView out = s.output(0);
  const auto* p = static_cast<const uint8_t*>(out.data);
  return {p, p + out.num_elements()};
}

class OpenCLInt8Boundary : public testing::TestWithParam<std::tuple<DType, bool>> {};

TEST_P(OpenCLInt8Boundary, BytesCrossSegmentsAsTheyAre) {
  ODIN_REQUIRE_OPENCL();
  const auto [t, fp16] = GetParam();
  const Graph g = boundary_graph(t);
  std::vector<std::string> placement;
  const std::vector<uint8_t> got = run_bytes(g, {"opencl", "cpu"}, fp16, &placement);
  const std::vector<uint8_t> want = run_bytes(g, {"cpu"}, false, nullptr);
  EXPECT_EQ(placement, (std::vector<std::string>{"opencl", "cpu", "opencl"}));
  ASSERT_EQ(got.size(), 504u);  // 4 x 6 x 21
  EXPECT_EQ(got, want);
}

INSTANTIATE_TEST_SUITE_P(DTypes, OpenCLInt8Boundary,
                         testing::Combine(testing::Values(DType::kI8, DType::kU8), testing::Bool()),
                         [](const auto& i) {
                           return std::string(std::get<0>(i.param) == DType::kI8 ? "i8" : "u8") +
                                  (std::get<1>(i.param) ? "_fp16" : "_fp32");
                         });

TEST(OpenCLInt8, DeclinesWithSpecificReasons) {
  ODIN_REQUIRE_OPENCL();
  Backend* cl = find_backend("opencl");
  Graph g;
  // 1 x 1 x 40000 products per output could overflow an int32 sum.
  const ValueId xc = q8(g, DType::kI8, Shape({1, 1, 1, 40000}));
  g.inputs().push_back(xc);
  const ValueId w = test::add_const_bytes(g, "w", Shape({1, 1, 1, 40000}), DType::kI8,
                                          std::vector<uint8_t>(40000, 1));
  g.value(w).quant = QuantParams{{0.01f}, {0}, 0};
  test::add_node(g, OpType::kConv2D, Conv2DAttrs{}, {xc, w, kNoValue}, {q8(g, DType::kI8)});
  // The int8 kernels have no TRANSPOSE; the float ones do.
  const ValueId x = q8(g, DType::kI8, Shape({2, 3}));
  g.inputs().push_back(x);
  const ValueId perm = test::add_const_i32(g, Shape({2}), {1, 0});
  test::add_node(g, OpType::kTranspose, {}, {x, perm}, {q8(g, DType::kI8)});
  g.outputs() = {g.node(0).outputs[0], g.node(1).outputs[0]};
  ASSERT_TRUE(infer_graph(g).ok());
  EXPECT_EQ(cl->supports(g, g.node(0)).why_not,
            "opencl: CONV_2D with 40000 products per output (int32 sums could overflow) not "
            "supported");
  EXPECT_EQ(cl->supports(g, g.node(1)).why_not,
            "opencl: TRANSPOSE on int8/uint8 tensors not supported");
}

}  // namespace
}  // namespace odin

#endif  // ODIN_HAVE_OPENCL
