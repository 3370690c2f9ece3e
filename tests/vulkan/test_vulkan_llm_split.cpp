// An LLM step split between Vulkan and the CPU (LlmSplit, `--backend
// vulkan+cpu`): each layer's KV heads and every matrix's rows divided
// between the two, run at once and joined on the host. The split gives the
// reference's greedy ids, and logits about as close to its as the CPU's
// own, over a prompt and 24 steps, for any share, with two joins a layer;
// the share measured at load is a fraction. (ATTENTION fed from the host,
// the split's usual case, is tests/vulkan/test_vulkan_attention.cpp.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/use_def.h"
#include "graph_builder.h"
#include "llm/llm_context.h"
#include "llm_test_models.h"
#include "runtime/session.h"
#include "test_util.h"
#include "vk_test_util.h"

namespace odin::test {
namespace {

std::unique_ptr<LlmModel> open_split_model(const std::string& name, double share) {
  LlmGraphOptions options;
  if (share != 0.0) {  // 0: no split
    options.split = *llm_split_named("vulkan+cpu");
    options.split.device_share = share;
  }
  return open_llm_test_model(name, ODIN_TEST_DATA_DIR, options);
}

class VulkanLlmSplit : public testing::TestWithParam<std::tuple<std::string, double>> {};

TEST_P(VulkanLlmSplit, GreedyIdsAndLogitsMatchTheCpu) {
  ODIN_REQUIRE_VULKAN();
  const auto& [name, share] = GetParam();
  auto whole = open_split_model(name, 0.0);
  auto split = open_split_model(name, share);
  ASSERT_TRUE(whole && split);
  EXPECT_EQ(split->info.kv_heads, 2);
  EXPECT_EQ(split->info.device_kv_heads, std::llround(share * 2));
  auto cpu = context_on(*whole, {"cpu"});
  auto both = context_on(*split, {"vulkan", "cpu"});
  // The reference kernels keep activations in float, as Vulkan does; the
  // CPU's optimized kernels (the host's part) round them to 8 bits a block.
  auto ref = context_on(*whole, {"cpu"}, false);
  ASSERT_TRUE(cpu && both && ref);
  // Each backend runs its placed part (the host everything between).
  const Session& s = both->session();
  int on_vulkan = 0;
  for (size_t n = 0; n < s.graph().num_nodes(); ++n) {
    EXPECT_EQ(s.node_backend(n), s.graph().node(static_cast<NodeId>(n)).placement)
        << s.graph().describe_node(static_cast<NodeId>(n)) << ": " << s.node_fallback(n);
    on_vulkan += s.node_backend(n) == "vulkan";
  }
  EXPECT_GT(on_vulkan, 0);
  // The host waits for the device only where it joins the parts: a layer's
  // attention and its feed-forward block each end in a sum of the two
  // parts' products (ADD), and the logits' rows are concatenated once.
  const UseDef uses(s.graph());
  int sums = 0, concatenations = 0;
  for (size_t n = 0; n < s.graph().num_nodes(); ++n) {
    const Node& node = s.graph().node(static_cast<NodeId>(n));
    if (s.node_backend(n) == "vulkan") continue;
    const bool joins = std::any_of(node.inputs.begin(), node.inputs.end(), [&](ValueId v) {
      const NodeId p = v == kNoValue ? -1 : uses.producer(v);
      return p >= 0 && s.node_backend(static_cast<size_t>(p)) == "vulkan";
    });
    if (!joins) continue;
    sums += node.op == OpType::kAdd;
    concatenations += node.op == OpType::kConcatenation;
    EXPECT_TRUE(node.op == OpType::kAdd || node.op == OpType::kConcatenation)
        << s.graph().describe_node(static_cast<NodeId>(n)) << " waits for Vulkan";
  }
  EXPECT_LE(concatenations, 1);
  const int64_t layers = find_llm_test_model_spec(name)->n_layer;
  EXPECT_LE(sums, 2 * layers) << "more than two joins a layer";
  if (share == 0.5) {
    EXPECT_EQ(sums, 2 * layers);
  }
  std::vector<int32_t> tokens = {1, 9038, 2501, 263, 931};
  for (int step = 0; step < 24; ++step) {
    auto lr = ref->eval(tokens);
    ASSERT_TRUE(lr.ok()) << lr.status().message();
    const std::vector<float> want(lr->begin(), lr->end());
    auto la = cpu->eval(tokens);
    ASSERT_TRUE(la.ok()) << la.status().message();
    const double cpu_off = rel_range(want.data(), la->data(), want.size());
    auto lb = both->eval(tokens);
    ASSERT_TRUE(lb.ok()) << lb.status().message();
    // About as far off the reference as the CPU alone is (the rows of each
    // part are each backend's own; mixing them may add a little).
    EXPECT_LE(rel_range(want.data(), lb->data(), want.size()), 1.5 * std::max(cpu_off, 5e-3))
        << "step " << step;
    const int32_t id = top_logits(want, 1)[0].first;
    ASSERT_EQ(top_logits(*lb, 1)[0].first, id) << "greedy ids differ at step " << step;
    tokens = {id};
  }
}

INSTANTIATE_TEST_SUITE_P(Shares, VulkanLlmSplit,
                         testing::Combine(testing::Values("llama-q4_0", "llama-q8_0"),
                                          testing::Values(0.2, 0.5, 0.9)),
                         [](const auto& info) {
                           return param_name(str_cat(std::get<0>(info.param), "_",
                                                     std::llround(std::get<1>(info.param) * 100)));
                         });

TEST(VulkanLlmSplit, ShareMeasuredAtLoad) {
  ODIN_REQUIRE_VULKAN();
  auto m = open_split_model("llama-q4_0", -1.0);
  ASSERT_TRUE(m);
  EXPECT_GT(m->info.device_step_ms, 0.0);
  EXPECT_GT(m->info.host_step_ms, 0.0);
  EXPECT_GE(m->info.device_share, 0.0);
  EXPECT_LE(m->info.device_share, 1.0);
  const double measured = m->info.host_step_ms / (m->info.host_step_ms + m->info.device_step_ms);
  if (measured >= 0.05 && measured <= 0.95)
    EXPECT_NEAR(m->info.device_share, measured, 1e-9);
  else  // a sliver of the step goes to the faster backend
    EXPECT_EQ(m->info.device_share, measured < 0.05 ? 0.0 : 1.0);
}

}  // namespace
}  // namespace odin::test
