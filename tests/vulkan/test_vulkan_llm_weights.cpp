// How the Vulkan backend keeps an LLM's tables (backends/vulkan/
// vk_ops_llm.cpp): a table the embedding and the output matmul share
// (tied weights) is uploaded once; F16 tables stay float16 on the device;
// a table over the device's storage buffer limit is declined with the
// reason (the node falls back to the CPU) instead of failing to compile.
#ifdef ODIN_HAVE_VULKAN  // the whole file: these need the backend built in

#include <gtest/gtest.h>

#include "backends/vulkan/vulkan_backend.h"
#include "graph_builder.h"
#include "runtime/session.h"
#include "vk_test_util.h"

namespace odin::test {
namespace {

constexpr int64_t kVocab = 1000, kWidth = 256, kMaxRows = 8;

// ids -> EMBEDDING(table) -> x; with `tied`, logits = FULLY_CONNECTED(x,
// table) as an LLM with tied output weights has it, else RMS_NORM(x).
Graph table_graph(BlockFormat format, bool tied) {
  Graph g;
  g.dim_symbols().push_back({"seq", kMaxRows});
  const ValueId ids = add_value(g, "ids", Shape({kDynamicDim}), DType::kI32);
  g.value(ids).shape.set_symbol(0, "seq");
  g.inputs().push_back(ids);
  const ValueId table = add_stored_weights(g, format, kVocab, kWidth, 11);
  const ValueId x = add_value(g, Shape());
  add_node(g, OpType::kEmbedding, {}, {table, ids}, {x});
  const ValueId y = add_value(g, Shape());
  if (tied) {
    FullyConnectedAttrs fc;
    fc.keep_num_dims = true;
    add_node(g, OpType::kFullyConnected, fc, {x, table}, {y});
  } else {
    const ValueId w = add_random_const(g, Shape({kWidth}), 12, 0.5f, 1.5f);
    add_node(g, OpType::kRmsNorm, RmsNormAttrs{1e-5f}, {x, w}, {y});
  }
  g.outputs() = {y};
  return g;
}

// The reference: the CPU without optimized kernels (those round the
// matmul's activations to 8 bits per block).
std::unique_ptr<Session> make_session(const Graph& g, std::vector<std::string> backends) {
  SessionOptions o;
  o.optimize = backends[0] != "cpu";
  o.backends = std::move(backends);
  auto s = Session::create(g, o);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(s).value() : nullptr;
}

std::vector<float> run_rows(Session& s, int64_t n) {
  std::vector<int32_t> ids;
  for (int64_t i = 0; i < n; ++i) ids.push_back(static_cast<int32_t>((i * 389 + 7) % kVocab));
  EXPECT_TRUE(s.set_dim("seq", n).ok());
  EXPECT_TRUE(s.set_input(0, ids.data(), ids.size() * 4).ok());
  const Status run = s.run();
  EXPECT_TRUE(run.ok()) << run.message();
  const ConstTensorView out = s.output(0);
  return std::vector<float>(out.as<float>(), out.as<float>() + out.shape.num_elements());
}

uint64_t aligned(uint64_t n) {
  const uint64_t a = std::max<uint64_t>(
      64, vk::backend_context(*find_backend("vulkan"))->info().min_storage_buffer_offset_alignment);
  return (n + a - 1) / a * a;
}

TEST(VulkanLlmWeights, TiedTableIsUploadedOnce) {
  ODIN_REQUIRE_VULKAN();
  for (BlockFormat format : {BlockFormat::kQ8_0, BlockFormat::kQ4_K}) {
    SCOPED_TRACE(dtype_name(dtype_of(format)));
    const Graph g = table_graph(format, true);
    auto vk = make_session(g, {"vulkan", "cpu"});
    auto ref = make_session(g, {"cpu"});
    ASSERT_TRUE(vk && ref);
    for (size_t n = 0; n < vk->graph().num_nodes(); ++n)
      EXPECT_EQ(vk->node_backend(n), "vulkan") << vk->node_fallback(n);
    // One repacking (fp32 scales, then the quants: a byte or a nibble per
    // value), and the matmul's zero bias.
    const bool q8 = format == BlockFormat::kQ8_0;
    const uint64_t blocks = kVocab * kWidth / 32;
    EXPECT_EQ(
        vk->backend_weight_bytes(),
        aligned(blocks * (q8 ? 4 : 8)) + aligned(blocks * (q8 ? 32 : 16)) + aligned(kVocab * 4));
    for (int64_t n : {5, 1}) {  // the tiled matmul, the GEMV
      const std::vector<float> want = run_rows(*ref, n), got = run_rows(*vk, n);
      EXPECT_LE(rel_range(want.data(), got.data(), want.size()), 1e-5) << n << " rows";
    }
  }
}

TEST(VulkanLlmWeights, F16TableStaysFloat16) {
  ODIN_REQUIRE_VULKAN();
  const Graph g = table_graph(BlockFormat::kF16, false);
  auto vk = make_session(g, {"vulkan", "cpu"});
  auto ref = make_session(g, {"cpu"});
  ASSERT_TRUE(vk && ref);
  for (size_t n = 0; n < vk->graph().num_nodes(); ++n)
    EXPECT_EQ(vk->node_backend(n), "vulkan") << vk->node_fallback(n);
  // Two bytes a value (fp32 would be four), and RMS_NORM's weights.
  EXPECT_EQ(vk->backend_weight_bytes(), aligned(kVocab * kWidth * 2) + aligned(kWidth * 4));
  const std::vector<float> want = run_rows(*ref, 6), got = run_rows(*vk, 6);
  EXPECT_LE(rel_range(want.data(), got.data(), want.size()), 1e-5);
}

TEST(VulkanLlmWeights, TableOverTheStorageBufferLimitFallsBackToTheCpu) {
  ODIN_REQUIRE_VULKAN();
  // A device whose storage buffers hold 300000 bytes: the F16 table's
  // 512000 do not fit, the Q8_0 table's quants (256000) do.
  vk::ContextOptions options;
  options.max_storage_buffer_range = 300000;
  static const Status registered = register_vulkan_backend("vulkan_small_buffers", options);
  ASSERT_TRUE(registered.ok()) << registered.message();
  for (BlockFormat format : {BlockFormat::kF16, BlockFormat::kQ8_0}) {
    const bool fits = format == BlockFormat::kQ8_0;
    const Graph g = table_graph(format, false);
    auto vk = make_session(g, {"vulkan_small_buffers", "cpu"});
    auto ref = make_session(g, {"cpu"});
    ASSERT_TRUE(vk && ref);
    EXPECT_EQ(vk->node_backend(0), fits ? "vulkan_small_buffers" : "cpu");
    if (!fits) {
      EXPECT_NE(vk->node_fallback(0).find(
                    "vulkan: EMBEDDING with weights of 512000 bytes on the device, over its "
                    "storage buffer limit of 300000 bytes"),
                std::string::npos)
          << vk->node_fallback(0);
    }
    EXPECT_EQ(vk->node_backend(1), "vulkan_small_buffers") << vk->node_fallback(1);
    const std::vector<float> want = run_rows(*ref, 7), got = run_rows(*vk, 7);
    EXPECT_LE(rel_range(want.data(), got.data(), want.size()), 1e-5);
  }
}

// Float32 matmul weights too: 400 x 256 (409600 bytes) falls back with the
// reason, 200 x 256 (204800 bytes) runs on the device.
TEST(VulkanLlmWeights, FloatMatrixOverTheStorageBufferLimitFallsBackToTheCpu) {
  ODIN_REQUIRE_VULKAN();
  vk::ContextOptions options;
  options.max_storage_buffer_range = 300000;
  static const Status registered = register_vulkan_backend("vulkan_small_float", options);
  ASSERT_TRUE(registered.ok()) << registered.message();
  for (int64_t rows : {400, 200}) {
    GraphMaker m;
    const ValueId x = m.input("x", Shape{2, 256});
    const ValueId w = m.constant_f32("w", Shape{rows, 256},
                                     splitmix_values(static_cast<size_t>(rows * 256), 7, -1, 1));
    const Graph g = m.finish({m.node(OpType::kFullyConnected, {x, w}, FullyConnectedAttrs{})});
    auto vk = make_session(g, {"vulkan_small_float", "cpu"});
    ASSERT_TRUE(vk);
    if (rows == 400) {
      EXPECT_EQ(vk->node_backend(0), "cpu");
      EXPECT_NE(vk->node_fallback(0).find("with weights of 409600 bytes on the device"),
                std::string::npos)
          << vk->node_fallback(0);
    } else {
      EXPECT_EQ(vk->node_backend(0), "vulkan_small_float") << vk->node_fallback(0);
    }
  }
}

}  // namespace
}  // namespace odin::test

#endif  // ODIN_HAVE_VULKAN
