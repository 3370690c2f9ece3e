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
#include "llm_block_graph.h"
#include "runtime/session.h"
#include "vk_test_util.h"

namespace odin::test {
namespace {

using namespace llm_block;

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
