// The memory model of speculative decoding (llm/speculation_budget.h): its
// activation estimate against the memory planner's arena, and the plans it
// picks as the budget shrinks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "llm/llm_context.h"
#include "llm/speculation_budget.h"
#include "llm/speculation_setup.h"
#include "llm_test_models.h"

namespace odin::test {
namespace {

std::string written(const std::string& name, int64_t layers = 0) {
  auto path = write_temp_llm_test_model(name, std::string(ODIN_TEST_DATA_DIR), layers);
  EXPECT_TRUE(path.ok()) << path.status().message();
  return path.ok() ? *path : std::string();
}

// The estimate is what the planner's arena holds, within 25 %.
TEST(SpeculationBudget, ActivationEstimateMatchesThePlannersArena) {
  const std::string path = written("llama-q8_0");
  for (int64_t batch : {1, 4, 16, 64, 256}) {
    SCOPED_TRACE(str_cat("batch ", batch));
    LlmGraphOptions o;
    o.max_batch = batch;
    auto m = LlmModel::open(path, o);
    ASSERT_TRUE(m.ok()) << m.status().message();
    SessionOptions so;
    so.backends = {"cpu"};
    auto ctx = LlmContext::create(**m, so);
    ASSERT_TRUE(ctx.ok()) << ctx.status().message();
    const auto planned = static_cast<double>((*ctx)->session().arena_bytes());
    const auto estimate =
        static_cast<double>(llm_activation_bytes((*m)->file->weights.config, batch, 1));
    EXPECT_GT(estimate, 0.8 * planned) << planned;
    EXPECT_LT(estimate, 1.25 * planned) << planned;
  }
  std::remove(path.c_str());
}

TEST(SpeculationBudget, PlansShrinkWithTheBudget) {
  LlmConfig target, draft;
  target.n_embd = 2048;
  target.n_ff = 5632;
  target.n_layer = 22;
  target.n_head = 32;
  target.n_head_kv = 4;
  target.head_dim = 64;
  target.n_vocab = 32000;
  draft = target;
  draft.n_layer = 2;
  SpeculationShapes s;
  s.target = &target;
  s.draft = &draft;
  s.draft_weight_bytes = 10'000'000;
  s.n_ctx = 2048;
  s.batch = 512;
  const SpeculationPlan free = plan_speculation(s, 8, 0);
  EXPECT_EQ(free.source, DraftSource::kDraftModel);
  EXPECT_EQ(free.draft_max, 8);
  EXPECT_EQ(free.draft_batch, 512);
  // KV: 2 layers x K and V x 4 heads x 2048 rows x 64 x 2 bytes.
  EXPECT_EQ(free.footprint.draft_kv, size_t{2 * 2 * 4 * 2048 * 64 * 2});
  // Half the extra memory: a smaller draft batch, every guess kept.
  const SpeculationPlan half = plan_speculation(s, 8, free.footprint.total() / 2);
  EXPECT_EQ(half.source, DraftSource::kDraftModel);
  EXPECT_EQ(half.draft_max, 8);
  EXPECT_LT(half.draft_batch, 512);
  EXPECT_LE(half.footprint.total(), free.footprint.total() / 2);
  // Just the draft's weights and cache: fewer guesses, the smallest batch.
  const SpeculationFootprint least = speculation_footprint(s, DraftSource::kDraftModel, 1, 4);
  const SpeculationPlan tight = plan_speculation(s, 8, least.total() + 300'000);
  EXPECT_EQ(tight.source, DraftSource::kDraftModel);
  EXPECT_LT(tight.draft_max, 8);
  EXPECT_EQ(tight.draft_batch, 4);
  // Under the draft's weights: prompt lookup, then nothing.
  const SpeculationPlan lookup = plan_speculation(s, 8, 2'000'000);
  EXPECT_EQ(lookup.source, DraftSource::kPromptLookup);
  EXPECT_EQ(lookup.draft_max, 8);
  EXPECT_EQ(plan_speculation(s, 8, 1000).source, DraftSource::kNone);
}

// A draft cut from the target holds none of its tensors twice; the target's
// graph gives the plan's rows.
TEST(SpeculationBudget, OpenedDraftSharesTheTargetsTensors) {
  const std::string target = written("stories260K-f32");
  const std::string draft = written("stories260K-f32", 2);
  SpeculationRequest r;
  r.draft_path = draft;
  r.draft_max = 5;
  auto models = open_speculative_models(target, LlmGraphOptions{}, r);
  ASSERT_TRUE(models.ok()) << models.status().message();
  ASSERT_TRUE(models->draft);
  size_t bytes = 0;
  for (const LlmTensor& t : models->draft->file->weights.tensors) bytes += t.data.size();
  EXPECT_EQ(models->draft->shared_weight_bytes, bytes);
  EXPECT_EQ(models->plan.footprint.draft_weights, 0u);
  EXPECT_EQ(models->target->info.max_logit_rows, 6);
  // A budget under the draft's cache: prompt lookup when asked, else none.
  r.max_memory = 30'000;  // 8 rows of 512 logits, not the draft's 131 kB cache
  r.lookup = true;
  models = open_speculative_models(target, LlmGraphOptions{}, r);
  ASSERT_TRUE(models.ok());
  EXPECT_EQ(models->plan.source, DraftSource::kPromptLookup);
  EXPECT_FALSE(models->draft);
  r.lookup = false;
  r.max_memory = 10;
  models = open_speculative_models(target, LlmGraphOptions{}, r);
  ASSERT_TRUE(models.ok());
  EXPECT_EQ(models->plan.source, DraftSource::kNone);
  EXPECT_EQ(models->target->info.max_logit_rows, 1);
  std::remove(target.c_str());
  std::remove(draft.c_str());
}

}  // namespace
}  // namespace odin::test
