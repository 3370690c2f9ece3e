// Speculative decoding (llm/speculative.h): greedy output is the target's
// own whatever the drafter guesses; a draft model made of the target's
// first layers (as tests/llm_test_models.h writes one) has most guesses
// kept; bad drafts fail clearly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

#include "llm/draft_model.h"
#include "llm/llm_context.h"
#include "llm/prompt_lookup.h"
#include "llm/speculative.h"
#include "llm_test_models.h"

namespace odin::test {
namespace {

// Spec `name`'s model (its first `layers` when > 0), with logits for up to
// `rows` tokens per run.
std::unique_ptr<LlmModel> test_model(const std::string& name, int64_t layers = 0,
                                     int64_t rows = 1) {
  auto path = write_temp_llm_test_model(name, std::string(ODIN_TEST_DATA_DIR), layers);
  EXPECT_TRUE(path.ok()) << path.status().message();
  if (!path.ok()) return nullptr;
  LlmGraphOptions options;
  options.max_logit_rows = rows;
  auto m = LlmModel::open(*path, options);
  std::remove(path->c_str());  // the mapping keeps the bytes
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m).value() : nullptr;
}

std::vector<int32_t> greedy(LlmContext& ctx, std::span<const int32_t> prompt, int32_t n,
                            Drafter* drafter = nullptr, int32_t draft_max = 4,
                            SpeculativeStats* stats = nullptr) {
  GenerateOptions go;
  go.max_tokens = n;
  go.drafter = drafter;
  go.draft_max = draft_max;
  auto r = generate(ctx, prompt, go);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return {};
  if (stats) *stats = r->speculation;
  return r->ids;
}

const std::vector<int32_t> kPrompt = {1, 403, 407, 261, 378, 288};

// stories260K with logits for 5 rows, its first 2 layers as the draft, and
// contexts: the target alone, the target speculating, the draft.
struct StoriesPair {
  std::unique_ptr<LlmModel> target = test_model("stories260K-f32", 0, 5);
  std::unique_ptr<LlmModel> draft = test_model("stories260K-f32", 2);
  std::unique_ptr<LlmContext> alone = target ? context_of(*target) : nullptr;
  std::unique_ptr<LlmContext> t = target ? context_of(*target) : nullptr;
  std::unique_ptr<LlmContext> d = draft ? context_of(*draft) : nullptr;
  bool ok() const { return alone && t && d; }
};

// stories260K (trained, 5 layers) drafted by its first 2, and a random
// Q4_0 llama (the quantized batch kernels) by itself (a part of a random
// model guesses nothing right): the same ids as the target alone, for
// every draft length.
TEST(Speculative, GreedyWithDraftModelIsTheTargetsOwnOutput) {
  for (const auto& [name, layers] :
       std::vector<std::pair<std::string, int64_t>>{{"stories260K-f32", 2}, {"llama-q4_0", 0}}) {
    SCOPED_TRACE(name);
    auto target = test_model(name, 0, 9);
    auto draft = test_model(name, layers);
    ASSERT_TRUE(target && draft);
    ASSERT_TRUE(check_draft_model(*target, *draft).ok());
    auto alone = context_of(*target);
    ASSERT_TRUE(alone);
    const std::vector<int32_t> want = greedy(*alone, kPrompt, 48);
    ASSERT_EQ(want.size(), 48u);
    for (int32_t k : {1, 3, 8}) {
      SCOPED_TRACE(str_cat("draft_max ", k));
      auto t = context_of(*target);
      auto d = context_of(*draft);
      ASSERT_TRUE(t && d);
      DraftModelDrafter drafter(*d, SamplerOptions{});
      SpeculativeStats stats;
      EXPECT_EQ(greedy(*t, kPrompt, 48, &drafter, k, &stats), want);
      EXPECT_GT(stats.accepted, 0);
      EXPECT_LE(stats.accepted, stats.drafted);
      // Each run yields its kept guesses and one more token.
      EXPECT_EQ(stats.accepted + stats.target_runs, 47);
      // The target holds the prompt and every token but the newest.
      EXPECT_EQ(t->position(), static_cast<int64_t>(kPrompt.size() + want.size() - 1));
    }
  }
}

TEST(Speculative, PromptLookupGuessesWhatFollowedTheLastNgram) {
  PromptLookupDrafter lookup(3, 1);
  // "7 8" occurred before, followed by 9 5 7 8.
  auto d = lookup.propose(std::vector<int32_t>{5, 7, 8, 9, 5, 7, 8}, 3);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ids, (std::vector<int32_t>{9, 5, 7}));
  // The latest occurrence wins; the longest n-gram is tried first.
  d = lookup.propose(std::vector<int32_t>{1, 2, 3, 4, 2, 6, 1, 2}, 2);
  EXPECT_EQ(d->ids, (std::vector<int32_t>{3, 4}));
  d = lookup.propose(std::vector<int32_t>{4, 2, 6, 4, 2}, 5);
  EXPECT_EQ(d->ids, (std::vector<int32_t>{6, 4, 2}));
  // Nothing to repeat.
  d = lookup.propose(std::vector<int32_t>{1, 2, 3}, 4);
  EXPECT_TRUE(d->ids.empty());
}

TEST(Speculative, GreedyWithPromptLookupIsTheTargetsOwnOutput) {
  auto target = test_model("stories260K-f32", 0, 9);
  ASSERT_TRUE(target);
  auto alone = context_of(*target);
  auto spec = context_of(*target);
  ASSERT_TRUE(alone && spec);
  const std::vector<int32_t> want = greedy(*alone, kPrompt, 64);
  PromptLookupDrafter lookup;
  SpeculativeStats stats;
  EXPECT_EQ(greedy(*spec, kPrompt, 64, &lookup, 6, &stats), want);
  EXPECT_EQ(stats.accepted + stats.target_runs, 63);
}

// A reply after a reply: both contexts keep the prefix they share with the
// new sequence, and the output is still the target's.
TEST(Speculative, SecondTurnKeepsBothCaches) {
  StoriesPair pair;
  ASSERT_TRUE(pair.ok());
  LlmContext &alone = *pair.alone, &t = *pair.t, &d = *pair.d;
  DraftModelDrafter drafter(d, SamplerOptions{});
  std::vector<int32_t> first = greedy(t, kPrompt, 20, &drafter, 4);
  ASSERT_EQ(first.size(), 20u);
  const std::vector<int32_t> turn2 = {13, 400, 290};
  const int64_t held = t.position();
  EXPECT_GE(d.position(), held - 4);  // the draft ran ahead or kept up
  std::vector<int32_t> second_prompt = {first.back()};
  second_prompt.insert(second_prompt.end(), turn2.begin(), turn2.end());
  const std::vector<int32_t> got = greedy(t, second_prompt, 20, &drafter, 4);
  // The same conversation in one go, by the target alone.
  std::vector<int32_t> whole = kPrompt;
  whole.insert(whole.end(), first.begin(), first.end());
  whole.insert(whole.end(), turn2.begin(), turn2.end());
  EXPECT_EQ(greedy(alone, whole, 20), got);
  // The draft fed only what it had not seen.
  const auto n = static_cast<std::ptrdiff_t>(std::min(held, d.position()));
  EXPECT_TRUE(std::equal(t.tokens().begin(), t.tokens().begin() + n, d.tokens().begin()));
}

// Pearson's chi-square of `counts` against probabilities `p` (n draws).
double chi_square(const std::vector<int64_t>& counts, std::span<const float> p, int64_t n) {
  double x2 = 0.0;
  for (size_t i = 0; i < counts.size(); ++i) {
    const double want = static_cast<double>(n) * p[i];
    if (want > 0) x2 += (static_cast<double>(counts[i]) - want) * (counts[i] - want) / want;
  }
  return x2;
}

// The rejection scheme on a 5-token vocabulary: guesses drawn from q, the
// tokens taken are distributed as p (chi-square, 4 degrees of freedom,
// under its 0.1 % point 18.47), a guess stands with probability
// sum min(p, q); and so for a certain guess (prompt lookup's).
TEST(Speculative, RejectionSchemeKeepsTheTargetsDistribution) {
  const std::vector<float> p = {0.10f, 0.20f, 0.30f, 0.25f, 0.15f};
  const std::vector<float> q = {0.40f, 0.05f, 0.05f, 0.30f, 0.20f};
  SamplerOptions so;
  so.seed = 7;
  Sampler rng(so), draft_rng(SamplerOptions{.seed = 99});
  std::vector<float> scratch;
  const int64_t n = 200'000;
  std::vector<int64_t> counts(5, 0), certain(5, 0);
  int64_t kept = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t guess = draft_rng.draw(q);
    const SampledVerdict v = verify_sampled_guess(p, q, guess, rng, scratch);
    ++counts[static_cast<size_t>(v.id)];
    kept += v.kept;
    EXPECT_EQ(v.kept, v.id == guess);
    ++certain[static_cast<size_t>(verify_sampled_guess(p, {}, 2, rng, scratch).id)];
  }
  EXPECT_LT(chi_square(counts, p, n), 18.47);
  EXPECT_LT(chi_square(certain, p, n), 18.47);
  double overlap = 0.0;
  for (size_t i = 0; i < p.size(); ++i) overlap += std::min(p[i], q[i]);
  EXPECT_NEAR(static_cast<double>(kept) / n, overlap, 0.01);
}

// Sampled generation end to end (stories260K, 512 tokens): the second
// token's distribution with a drafting draft model equals the target
// alone's (two-sample chi-square over the tokens seen 20+ times; under the
// 0.1 % point for its degrees of freedom).
TEST(Speculative, SampledOutputHasTheTargetsDistribution) {
  StoriesPair pair;
  ASSERT_TRUE(pair.ok());
  LlmContext &alone = *pair.alone, &t = *pair.t, &d = *pair.d;
  SamplerOptions so;
  so.temperature = 1.0f;
  so.top_k = 0;
  so.top_p = 1.0f;
  so.min_p = 0.0f;
  const int runs = 2000;
  std::map<std::pair<int32_t, int32_t>, std::array<int64_t, 2>> seen;  // (1st, 2nd) pairs
  int64_t drafted = 0, accepted = 0;
  for (int i = 0; i < runs; ++i) {
    for (int spec = 0; spec < 2; ++spec) {
      LlmContext& ctx = spec ? t : alone;
      ctx.truncate(0);
      GenerateOptions go;
      go.max_tokens = 3;
      go.sampler = so;
      go.sampler.seed = static_cast<uint64_t>(runs * spec + i) * 7919;
      DraftModelDrafter drafter(d, go.sampler);
      if (spec) go.drafter = &drafter;
      go.draft_max = 2;
      auto r = generate(ctx, kPrompt, go);
      ASSERT_TRUE(r.ok()) << r.status().message();
      ASSERT_EQ(r->ids.size(), 3u);
      ++seen[{r->ids[1], r->ids[2]}][static_cast<size_t>(spec)];
      drafted += r->speculation.drafted;
      accepted += r->speculation.accepted;
    }
  }
  EXPECT_GT(accepted, 0);  // a 2-layer draft at temperature 1: few, but some
  EXPECT_LE(accepted, drafted);
  double x2 = 0.0;
  int bins = 0;
  for (const auto& [pair, c] : seen) {
    if (c[0] + c[1] < 20) continue;
    const double a = static_cast<double>(c[0]), b = static_cast<double>(c[1]);
    x2 += (a - b) * (a - b) / (a + b);
    ++bins;
  }
  ASSERT_GT(bins, 5);
  // Wilson-Hilferty: the chi-square's 0.1 % point for bins - 1 degrees of freedom.
  const double k = bins - 1, z = 3.09;
  const double limit = k * std::pow(1 - 2 / (9 * k) + z * std::sqrt(2 / (9 * k)), 3);
  EXPECT_LT(x2, limit) << bins << " bins";
}

TEST(Speculative, BadDraftsAndGraphsFailClearly) {
  auto target = test_model("llama-q8_0", 0, 5);
  auto other = test_model("qwen2-q8_0", 1);
  ASSERT_TRUE(target && other);
  const Status s = check_draft_model(*target, *other);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("vocabulary"), std::string::npos) << s.message();
  // A target whose graph gives one logit row cannot verify guesses.
  auto one_row = test_model("stories260K-f32");
  ASSERT_TRUE(one_row);
  auto ctx = context_of(*one_row);
  PromptLookupDrafter lookup;
  GenerateOptions go;
  go.drafter = &lookup;
  auto r = generate(*ctx, kPrompt, go);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("logit rows"), std::string::npos) << r.status().message();
  auto rows = ctx->eval(kPrompt, 2);
  EXPECT_FALSE(rows.ok());
  LlmGraphOptions too_many;
  too_many.max_batch = 4;
  too_many.max_logit_rows = 5;
  EXPECT_FALSE(build_llm_graph(one_row->file->weights, one_row->file->map, too_many, nullptr).ok());
}

}  // namespace
}  // namespace odin::test
