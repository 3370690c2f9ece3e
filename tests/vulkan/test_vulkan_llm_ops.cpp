// The LLM ops on Vulkan (backends/vulkan/vk_ops_llm.cpp) against the
// reference kernels, through a session whose token dim is set per run:
// one decoder block (embedding, RMS norm, the matmuls in each weight
// format, RoPE, attention over a float16 KV cache kept on the device,
// SwiGLU, the residual adds) over a prompt chunk, single tokens and full
// chunks, so the recorded command buffer is resized between runs and the
// cache must persist across them. Runs of few rows take the matmuls' GEMV
// (with and without subgroup arithmetic), longer ones the tiled matmul
// (one tile and several, the last one partial). Nodes Vulkan declines fall
// back to the CPU with a reason.
#ifdef ODIN_HAVE_VULKAN  // the whole file: these need the backend built in
#include <gtest/gtest.h>

#include "backends/vulkan/vk_context.h"
#include "backends/vulkan/vulkan_backend.h"
#include "graph_builder.h"
#include "runtime/session.h"
#include "vk_test_util.h"

namespace odin::test {
namespace {

constexpr int64_t kWidth = 256, kHeads = 4, kKvHeads = 2, kHeadDim = 64, kCtx = 64, kMaxRows = 40;

ValueId add_node_out(Graph& g, OpType op, std::vector<ValueId> in, OpAttrs attrs = {}) {
  const ValueId o = add_value(g, Shape());
  add_node(g, op, std::move(attrs), std::move(in), {o});
  return o;
}

ValueId add_cache(Graph& g, const std::string& name, DType dtype) {
  Value v;
  v.name = name;
  v.dtype = dtype;
  v.shape = Shape({kKvHeads, kCtx, kHeadDim});
  v.persistent = true;
  return g.add_value(std::move(v));
}

// One decoder block with every LLM op; matmuls and the embedding table in `format`.
Graph block_graph(BlockFormat format, bool neox, DType cache = DType::kF16) {
  Graph g;
  g.dim_symbols().push_back({"seq", kMaxRows});
  auto seq_input = [&](const char* name) {
    const ValueId v = add_value(g, name, Shape({kDynamicDim}), DType::kI32);
    g.value(v).shape.set_symbol(0, "seq");
    g.inputs().push_back(v);
    return v;
  };
  const ValueId ids = seq_input("ids");
  const ValueId pos = seq_input("positions");
  const ValueId x =
      add_node_out(g, OpType::kEmbedding, {add_stored_weights(g, format, 100, kWidth, 1), ids});
  const ValueId h =
      add_node_out(g, OpType::kRmsNorm, {x, add_random_const(g, Shape({kWidth}), 2, 0.5f, 1.5f)},
                   RmsNormAttrs{1e-5f});
  FullyConnectedAttrs fc;
  fc.keep_num_dims = true;
  auto matmul = [&](ValueId in, int64_t out, uint64_t seed, bool bias = false,
                    int64_t depth = kWidth) {
    std::vector<ValueId> ins = {in, add_stored_weights(g, format, out, depth, seed)};
    if (bias) ins.push_back(add_random_const(g, Shape({out}), seed + 100));
    return add_node_out(g, OpType::kFullyConnected, ins, fc);
  };
  RopeAttrs rope{kHeadDim, kHeadDim, 10000.0f, neox};
  const ValueId q =
      add_node_out(g, OpType::kRope, {matmul(h, kHeads * kHeadDim, 3, true), pos}, rope);
  const ValueId k = add_node_out(g, OpType::kRope, {matmul(h, kKvHeads * kHeadDim, 4), pos}, rope);
  const ValueId v = matmul(h, kKvHeads * kHeadDim, 5);
  AttentionAttrs attn{kHeads, kKvHeads, kHeadDim, 0.125f};
  const ValueId a = add_node_out(
      g, OpType::kAttention,
      {q, k, v, pos, add_cache(g, "k_cache", cache), add_cache(g, "v_cache", cache)}, attn);
  const ValueId r = add_node_out(g, OpType::kAdd, {x, matmul(a, kWidth, 6)}, BinaryAttrs{});
  const ValueId act = add_node_out(g, OpType::kSwiglu, {matmul(r, 512, 7), matmul(r, 512, 8)});
  g.outputs() = {
      add_node_out(g, OpType::kAdd, {r, matmul(act, kWidth, 9, false, 512)}, BinaryAttrs{})};
  return g;
}

std::unique_ptr<Session> make_session(const Graph& g, std::vector<std::string> backends,
                                      bool optimize, bool fp16 = false, int candidate = -1) {
  SessionOptions o;
  o.tune_candidate = candidate;
  o.backends = std::move(backends);
  o.optimize = optimize;
  o.allow_reduced_precision = fp16;
  auto s = Session::create(g, o);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(s).value() : nullptr;
}

// Runs `n` tokens at positions from `start` and returns the output rows.
std::vector<float> step(Session& s, int64_t start, int64_t n) {
  std::vector<int32_t> ids, pos;
  for (int64_t i = 0; i < n; ++i) {
    ids.push_back(static_cast<int32_t>((start + i) * 37 % 100));
    pos.push_back(static_cast<int32_t>(start + i));
  }
  EXPECT_TRUE(s.set_dim("seq", n).ok());
  EXPECT_TRUE(s.set_input(0, ids.data(), ids.size() * 4).ok());
  EXPECT_TRUE(s.set_input(1, pos.data(), pos.size() * 4).ok());
  const Status run = s.run();
  EXPECT_TRUE(run.ok()) << run.message();
  const ConstTensorView out = s.output(0);
  EXPECT_EQ(out.shape, Shape({n, kWidth}));
  return std::vector<float>(out.as<float>(), out.as<float>() + n * kWidth);
}

// The Vulkan backend with subgroup operations turned off (a driver-bug
// entry for this device).
const char* no_subgroups_backend() {
  static const bool registered = [] {
    vk::ContextOptions options;
    vk::DriverBugEntry e;
    e.workaround = vk::Workaround::kDisableSubgroups;
    e.reason = "test: no subgroups";
    options.extra_driver_bugs = {e};
    const Status s = register_vulkan_backend("vulkan_no_subgroups", options);
    EXPECT_TRUE(s.ok()) << s.message();
    Backend* b = find_backend("vulkan_no_subgroups");
    return b && b->available() && !vk::backend_context(*vulkan_of(*b))->subgroups_enabled();
  }();
  EXPECT_TRUE(registered);
  return "vulkan_no_subgroups";
}

class VulkanLlmOps : public testing::TestWithParam<std::tuple<BlockFormat, bool, bool>> {};

TEST_P(VulkanLlmOps, MatchReferenceOverPromptChunksAndSteps) {
  ODIN_REQUIRE_VULKAN();
  const auto [format, neox, fp16] = GetParam();
  const Graph g = block_graph(format, neox);
  // Both GEMV variants (a workgroup or an invocation per output value,
  // tuning candidates 0 and 1, in the device's order; the tiled matmul's
  // tiles of 16 or 8 rows), the workgroup's sum through subgroupAdd where
  // the device has it and without.
  for (const char* backend : {"vulkan", no_subgroups_backend()})
    for (int candidate : {0, 1}) {
      SCOPED_TRACE(str_cat(backend, ", tuning candidate ", candidate));
      auto ref = make_session(g, {"cpu"}, false);
      auto vk = make_session(g, {backend, "cpu"}, true, fp16, candidate);
      ASSERT_TRUE(ref && vk);
      // Every node runs on Vulkan, in one command buffer per run.
      for (size_t n = 0; n < vk->graph().num_nodes(); ++n)
        EXPECT_EQ(vk->node_backend(n), backend)
            << op_type_name(vk->graph().node(n).op) << ": " << vk->node_fallback(n);
      // The KV caches (K and V, float16) live on the device only: the host
      // arena, planned as the CPU's otherwise, holds none of their bytes.
      auto cpu = make_session(g, {"cpu"}, true);
      ASSERT_TRUE(cpu);
      EXPECT_EQ(cpu->arena_bytes() - vk->arena_bytes(), size_t{2 * kKvHeads * kCtx * kHeadDim * 2});
      int64_t at = 0;
      // A prompt, two steps, chunks; 1 and 3 rows take the GEMV, the others
      // the tiled matmul (37: two whole tiles of 16 and a partial one).
      for (int64_t n : {5, 1, 1, 8, 3, 37}) {
        const std::vector<float> want = step(*ref, at, n);
        const std::vector<float> got = step(*vk, at, n);
        EXPECT_EQ(vk->run_stats().submits, 1);
        // fp32: the weights are read exactly and the activations stay float;
        // fp16 storage rounds every activation to 11 bits.
        EXPECT_LE(rel_range(want.data(), got.data(), want.size()), fp16 ? 2e-2 : 1e-3)
            << "tokens " << at << ".." << at + n;
        at += n;
      }
    }
}

INSTANTIATE_TEST_SUITE_P(Formats, VulkanLlmOps,
                         testing::Combine(testing::Values(BlockFormat::kF16, BlockFormat::kQ8_0,
                                                          BlockFormat::kQ4_0, BlockFormat::kM0E4,
                                                          BlockFormat::kQ4_K, BlockFormat::kQ6_K),
                                          testing::Bool(), testing::Values(false)));
INSTANTIATE_TEST_SUITE_P(Fp16, VulkanLlmOps,
                         testing::Combine(testing::Values(BlockFormat::kQ8_0, BlockFormat::kQ4_0),
                                          testing::Values(false), testing::Values(true)));

// Other KV cache dtypes keep ATTENTION on the CPU, with the reason; the
// rest of the block stays on Vulkan and the result agrees.
TEST(VulkanLlmOps, OtherCacheTypesKeepAttentionOnTheCpu) {
  ODIN_REQUIRE_VULKAN();
  for (DType cache : {DType::kF32, DType::kQ8_0}) {
    const Graph g = block_graph(BlockFormat::kQ8_0, false, cache);
    auto vk = make_session(g, {"vulkan", "cpu"}, true);
    auto ref = make_session(g, {"cpu"}, false);
    ASSERT_TRUE(vk && ref);
    for (size_t n = 0; n < vk->graph().num_nodes(); ++n) {
      const bool attention = vk->graph().node(n).op == OpType::kAttention;
      EXPECT_EQ(vk->node_backend(n), attention ? "cpu" : "vulkan") << vk->node_fallback(n);
      if (attention) {
        EXPECT_NE(vk->node_fallback(n).find("KV cache not supported (float16 only)"),
                  std::string::npos)
            << vk->node_fallback(n);
      }
    }
    int64_t at = 0;
    for (int64_t n : {5, 1, 2}) {
      const std::vector<float> want = step(*ref, at, n);
      const std::vector<float> got = step(*vk, at, n);
      // The CPU's optimized attention against the reference (test_cpu_llm_ops).
      EXPECT_LE(rel_range(want.data(), got.data(), want.size()), 5e-3)
          << dtype_name(cache) << " tokens " << at << ".." << at + n;
      at += n;
    }
  }
}

}  // namespace
}  // namespace odin::test
#endif  // ODIN_HAVE_VULKAN
