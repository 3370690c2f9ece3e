// Batch invariance: a token's logits are the same bits whether the CPU
// backend computes it alone (decode, one row) or among others (a prompt
// chunk, a speculative verification of K+1 rows). Speculative greedy
// decoding is the target's own output only if this holds: the target alone
// decodes one row a run, speculation verifies several, and a near tie
// between two tokens must break the same way both times.
//
// The random llama test models (n_embd 256, head_dim 64, n_ff 768, 32000
// outputs) reach every multi-row path: the quantized matmul's 4-row tiles
// (and, with 16 rows or more on a CPU with AMX, its AMX kernels), the
// attention's row blocks, each KV cache type.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

#include "llm/llm_context.h"
#include "llm_test_models.h"

namespace odin::test {
namespace {

struct Case {
  const char* model;
  DType kv;
};

class BatchInvariance : public ::testing::TestWithParam<Case> {};

std::unique_ptr<LlmModel> open_model(const char* name, DType kv, int64_t rows) {
  auto path = write_temp_llm_test_model(name, std::string(ODIN_TEST_DATA_DIR));
  EXPECT_TRUE(path.ok()) << path.status().message();
  if (!path.ok()) return nullptr;
  LlmGraphOptions options;
  options.max_logit_rows = rows;
  options.kv_dtype = kv;
  auto m = LlmModel::open(*path, options);
  std::remove(path->c_str());  // the mapping keeps the bytes
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m).value() : nullptr;
}

// Index of the first float whose bits differ, or -1.
int64_t first_difference(std::span<const float> a, std::span<const float> b) {
  for (size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) return static_cast<int64_t>(i);
  return -1;
}

// A prefix, then 21 tokens one at a time and the same 21 in one run (and
// in runs of 5, as speculation verifies 4 guesses): every row's logits have
// the same bits. 21 rows: 4-row tiles, their 1-row edge, AMX's 16-row tile.
TEST_P(BatchInvariance, TokenAloneEqualsTokenInBatch) {
  const Case c = GetParam();
  constexpr int64_t kRows = 21;
  auto model = open_model(c.model, c.kv, kRows);
  ASSERT_TRUE(model);
  const std::vector<int32_t> prefix = {1, 403, 407, 261, 378, 288, 1000, 5};
  std::vector<int32_t> tokens(kRows);
  for (int64_t i = 0; i < kRows; ++i) tokens[static_cast<size_t>(i)] = 300 + 97 * i % 20000;
  for (int threads : {1, 2}) {
    SCOPED_TRACE(str_cat("threads ", threads));
    auto one = context_of(*model, threads);
    auto all = context_of(*model, threads);
    auto fives = context_of(*model, threads);
    ASSERT_TRUE(one && all && fives);
    for (LlmContext* ctx : {one.get(), all.get(), fives.get()}) ASSERT_TRUE(ctx->eval(prefix).ok());
    const int64_t nv = model->info.n_vocab;
    std::vector<float> want;
    for (int32_t t : tokens) {
      auto r = one->eval({&t, 1});
      ASSERT_TRUE(r.ok()) << r.status().message();
      want.insert(want.end(), r->begin(), r->end());
    }
    auto got = all->eval(tokens, kRows);
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_EQ(got->size(), want.size());
    const int64_t at = first_difference(want, *got);
    EXPECT_EQ(at, -1) << "one run of " << kRows << ": row " << at / nv << ", logit " << at % nv
                      << ": " << want[static_cast<size_t>(at < 0 ? 0 : at)] << " alone vs "
                      << (*got)[static_cast<size_t>(at < 0 ? 0 : at)];
    for (int64_t i0 = 0; i0 < kRows; i0 += 5) {
      const int64_t n = std::min<int64_t>(5, kRows - i0);
      auto r = fives->eval(std::span(tokens).subspan(static_cast<size_t>(i0), n), n);
      ASSERT_TRUE(r.ok()) << r.status().message();
      const int64_t d = first_difference(
          std::span<const float>(want).subspan(static_cast<size_t>(i0 * nv), n * nv), *r);
      EXPECT_EQ(d, -1) << "runs of 5: row " << i0 + d / nv << ", logit " << d % nv;
    }
  }
}

// --ubatch: the prompt in runs of 3 tokens, on_prefill between them with
// the tokens done so far; the same ids and top logits (bits) as one run; a
// prompt that does not fit leaves the context as it was.
TEST(Ubatch, PromptInRunsYieldsBetweenAndChangesNothing) {
  auto model = open_model("llama-q4_0", DType::kF16, 1);
  ASSERT_TRUE(model);
  const std::vector<int32_t> prompt = {1, 403, 407, 261, 378, 288, 1000, 5, 77, 9000, 31};
  GenerateOptions go;
  go.max_tokens = 12;
  go.top_logits = 4;
  auto one_run = context_of(*model, 1);
  ASSERT_TRUE(one_run);
  auto want = generate(*one_run, prompt, go);
  ASSERT_TRUE(want.ok()) << want.status().message();
  std::vector<int64_t> calls;
  go.ubatch = 3;
  int64_t total_seen = 0;
  go.on_prefill = [&](int64_t done, int64_t total) {
    total_seen = total;
    calls.push_back(done);
  };
  auto runs = context_of(*model, 1);
  ASSERT_TRUE(runs);
  auto got = generate(*runs, prompt, go);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(calls, (std::vector<int64_t>{3, 6, 9}));
  EXPECT_EQ(total_seen, static_cast<int64_t>(prompt.size()));
  EXPECT_EQ(got->ids, want->ids);
  EXPECT_EQ(got->top, want->top);
  // A prompt past the context: the first runs fit, a later one fails.
  runs->truncate(0);
  const std::vector<int32_t> too_long(static_cast<size_t>(model->info.n_ctx + 1), 5);
  calls.clear();
  go.ubatch = 64;
  EXPECT_FALSE(generate(*runs, too_long, go).ok());
  EXPECT_EQ(calls.size(), 4u);  // 64, 128, 192, 256 fit; the 257th token does not
  EXPECT_EQ(total_seen, static_cast<int64_t>(too_long.size()));
  EXPECT_EQ(runs->position(), 0);
  go.ubatch = -1;
  auto bad = generate(*runs, prompt, go);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ubatch"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Models, BatchInvariance,
    ::testing::Values(Case{"llama-q4_0", DType::kF16}, Case{"llama-q8_0", DType::kF16},
                      Case{"llama-q4_0", DType::kF32}, Case{"llama-q4_0", DType::kQ8_0},
                      Case{"llama-q4_k_m", DType::kF16}),
    [](const auto& info) {
      std::string name = str_cat(info.param.model, "_kv", dtype_name(info.param.kv));
      for (char& ch : name)
        if (ch == '-' || ch == '.') ch = '_';
      return name;
    });

}  // namespace
}  // namespace odin::test
