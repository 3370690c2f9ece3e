// LLMs through the op graph, against llama.cpp's greedy generation on the
// same weights (goldens in tests/data/llm/golden).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "kernels/cpu/quant_matmul.h"
#include "llm/llm_context.h"
#include "llm_golden.h"
#include "llm_test_models.h"
#include "test_util.h"

namespace odin::test {
namespace {

const std::string kData = std::string(ODIN_TEST_DATA_DIR) + "/data/llm/";

std::unique_ptr<LlmModel> open_model(const std::string& path, LlmGraphOptions options = {}) {
  auto m = LlmModel::open(path, options);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m).value() : nullptr;
}

std::unique_ptr<LlmContext> make_context(const LlmModel& m, SessionOptions options = {}) {
  options.backends = {"cpu"};
  auto c = LlmContext::create(m, options);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? std::move(c).value() : nullptr;
}

TEST(LlmGenerate, Stories260KLlama2cMatchesLlamaCpp) {
  auto model = open_model(kData + "stories260K.bin");
  ASSERT_TRUE(model);
  for (bool optimize : {false, true}) {
    SCOPED_TRACE(optimize ? "optimized kernels" : "reference kernels");
    SessionOptions so;
    so.optimize = optimize;
    auto ctx = make_context(*model, so);
    ASSERT_TRUE(ctx);
    const size_t steps = expect_matches_golden(
        *ctx, read_greedy_golden(kData + "golden/stories260K-F32-llamacpp.greedy64.txt"), 64);
    EXPECT_EQ(steps, 64u);
  }
}

// A model's contexts share its packed matrices: the second context packs
// nothing, and contexts alive at once (or with weights of their own) give
// the same logits.
TEST(LlmGenerate, ContextsShareTheModelsPackedWeights) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("odin_test_" + std::to_string(getpid()) + "_shared.gguf"))
                               .string();
  ASSERT_TRUE(write_llm_test_model("llama-q4_0", std::string(ODIN_TEST_DATA_DIR), path).ok());
  auto model = open_model(path);
  std::remove(path.c_str());
  ASSERT_TRUE(model);
  auto a = make_context(*model);
  ASSERT_TRUE(a);
  const size_t packed = model->shared_weights->bytes();
  if (cpu::quant_matmul_prepack_pays(BlockFormat::kQ4_0)) {
    ASSERT_GT(packed, 0u);
  }
  auto b = make_context(*model);
  ASSERT_TRUE(b);
  EXPECT_EQ(model->shared_weights->bytes(), packed);
  SessionOptions own;
  own.shared_weights = std::make_shared<SharedWeights>();
  auto c = make_context(*model, own);
  ASSERT_TRUE(c);
  EXPECT_EQ(own.shared_weights->bytes(), packed);
  EXPECT_EQ(model->shared_weights->bytes(), packed);

  const std::vector<int32_t> prompt = {1, 9038, 2501, 263, 931};
  std::vector<std::vector<float>> logits;
  for (LlmContext* ctx : {a.get(), b.get(), c.get()}) {
    auto l = ctx->eval(prompt);
    ASSERT_TRUE(l.ok()) << l.status().message();
    logits.emplace_back(l->begin(), l->end());
  }
  EXPECT_EQ(logits[0], logits[1]);
  EXPECT_EQ(logits[0], logits[2]);
}

// A q8_0 KV cache holds 34 bytes per 32 values (float16: 64) and keeps the
// logits near the float16 cache's over a prompt and greedy steps; the
// stories260K model's head_dim of 8 is refused with the reason.
TEST(LlmGenerate, Q8KvCacheHalvesTheCacheAndKeepsTheLogits) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("odin_test_" + std::to_string(getpid()) + "_kvq8.gguf"))
                               .string();
  ASSERT_TRUE(write_llm_test_model("llama-q8_0", std::string(ODIN_TEST_DATA_DIR), path).ok());
  LlmGraphOptions f16_options, q8_options;
  q8_options.kv_dtype = DType::kQ8_0;
  auto f16 = open_model(path, f16_options);
  auto q8 = open_model(path, q8_options);
  std::remove(path.c_str());
  ASSERT_TRUE(f16 && q8);
  EXPECT_EQ(q8->info.kv_cache_bytes * 64, f16->info.kv_cache_bytes * 34);
  auto a = make_context(*f16);
  auto b = make_context(*q8);
  ASSERT_TRUE(a && b);
  std::vector<int32_t> tokens = {1, 9038, 2501, 263, 931};
  for (int step = 0; step < 16; ++step) {
    auto la = a->eval(tokens);
    auto lb = b->eval(tokens);
    ASSERT_TRUE(la.ok() && lb.ok());
    const double err = rel_range(la->data(), lb->data(), la->size());
    EXPECT_LE(err, 5e-2) << "step " << step;
    tokens = {top_logits(*la, 1)[0].first};
  }
  auto refused = LlmModel::open(kData + "stories260K.bin", q8_options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("head_dim a multiple of 32"), std::string::npos)
      << refused.status().message();
}

// Each test model, written by the project's writer, against llama.cpp's
// greedy run on the same bytes (the golden records the file's SHA-256, which
// the writer's own test checks).
class LlmGolden : public testing::TestWithParam<std::string> {};

// Test model `name` written by the project's writer and opened.
std::unique_ptr<LlmModel> open_test_model(const std::string& name) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("odin_test_" + std::to_string(getpid()) + "_" + name + ".gguf"))
                               .string();
  const Status written = write_llm_test_model(name, std::string(ODIN_TEST_DATA_DIR), path);
  EXPECT_TRUE(written.ok()) << written.message();
  if (!written.ok()) return nullptr;
  auto model = open_model(path);
  std::remove(path.c_str());  // the mapping keeps the bytes
  return model;
}

TEST_P(LlmGolden, GreedyMatchesLlamaCpp) {
  const std::string name = GetParam();
  auto model = open_test_model(name);
  ASSERT_TRUE(model);
  const GreedyGolden golden = read_greedy_golden(kData + "golden/" + name + ".greedy64.txt");
  for (int threads : {1, 2}) {
    SCOPED_TRACE(str_cat(threads, " thread(s)"));
    SessionOptions so;
    so.num_threads = threads;
    auto ctx = make_context(*model, so);
    ASSERT_TRUE(ctx);
    EXPECT_EQ(expect_matches_golden(*ctx, golden, 64), 64u);
  }
}

// plm's cache holds one row per token and layer, [latent ; RoPE key] (128 +
// 16 values), where a Llama of its width, layers and heads (4 heads of 64,
// as many KV heads) holds K and V of every head: 2 * 4 * 64 values.
TEST(LlmGenerate, PlmCachesTheLatentNotKAndV) {
  auto model = open_test_model("plm-f16");
  ASSERT_TRUE(model);
  const LlmTestModelSpec& s = *find_llm_test_model_spec("plm-f16");
  const auto per_token = static_cast<int64_t>(model->info.kv_cache_bytes) / model->info.n_ctx;
  EXPECT_EQ(per_token, s.n_layer * (s.kv_lora_rank + s.rope_dim) * 2);  // float16
  const int64_t llama = s.n_layer * 2 * s.n_head * (s.n_embd / s.n_head) * 2;
  EXPECT_EQ(per_token * 32, llama * 9);  // 576 of 2048 bytes
}

INSTANTIATE_TEST_SUITE_P(Models, LlmGolden,
                         testing::Values("llama-f16", "llama-q8_0", "llama-q4_0", "llama-q4_k_m",
                                         "qwen2-q8_0", "qwen3-q8_0", "plm-f16", "stories260K-f16",
                                         "stories260K-f32"),
                         [](const auto& info) { return param_name(info.param); });

}  // namespace
}  // namespace odin::test
