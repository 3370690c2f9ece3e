// An LLM (the project's random-weight Llama test models, written by
// tests/llm_test_models.cpp) on `--backend vulkan,cpu`: the same greedy ids
// as the CPU backend and logits close to its, over a prompt and 24 steps,
// with every node on Vulkan and one submit per evaluation.
#include <gtest/gtest.h>

#include <cstdio>

#include "llm/llm_context.h"
#include "llm_test_models.h"
#include "runtime/session.h"
#include "test_util.h"
#include "vk_test_util.h"

namespace odin::test {
namespace {

std::unique_ptr<LlmModel> open_test_model(const std::string& name) {
  return open_llm_test_model(name, ODIN_TEST_DATA_DIR);
}

class VulkanLlm : public testing::TestWithParam<std::string> {};

TEST_P(VulkanLlm, GreedyIdsAndLogitsMatchTheCpuBackend) {
  ODIN_REQUIRE_VULKAN();
  auto model = open_test_model(GetParam());
  ASSERT_TRUE(model);
  // The CPU's reference kernels keep activations in float, as the Vulkan
  // kernels do; its optimized kernels round them to 8 bits per block.
  auto cpu = context_on(*model, {"cpu"}, false);
  auto vk = context_on(*model, {"vulkan", "cpu"}, true);
  ASSERT_TRUE(cpu && vk);
  // Every node runs on Vulkan (the KV cache stays on the device): one
  // command buffer per token.
  const Session& s = vk->session();
  for (size_t n = 0; n < s.graph().num_nodes(); ++n)
    EXPECT_EQ(s.node_backend(n), "vulkan")
        << s.graph().describe_node(static_cast<NodeId>(n)) << ": " << s.node_fallback(n);
  std::vector<int32_t> a = {1, 9038, 2501, 263, 931}, b = a;
  for (int step = 0; step < 24; ++step) {
    auto la = cpu->eval(a);
    auto lb = vk->eval(b);
    ASSERT_TRUE(la.ok() && lb.ok()) << (la.ok() ? lb.status().message() : la.status().message());
    EXPECT_EQ(s.run_stats().submits, 1);
    EXPECT_LE(rel_range(la->data(), lb->data(), la->size()), 5e-3) << "step " << step;
    const int32_t ta = top_logits(*la, 1)[0].first, tb = top_logits(*lb, 1)[0].first;
    ASSERT_EQ(ta, tb) << "greedy ids differ at step " << step;
    a = {ta};
    b = {tb};
  }
}

INSTANTIATE_TEST_SUITE_P(Models, VulkanLlm,
                         testing::Values("llama-q8_0", "llama-q4_0", "llama-q4_k_m", "llama-f16"),
                         [](const auto& info) { return param_name(info.param); });

}  // namespace
}  // namespace odin::test
