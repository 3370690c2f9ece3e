// odin convert --quant (llm/llm_requantize.h) and the next-token KL
// divergence (llm/next_token_kl.h): which tensors change format, that the
// .odin file keeps them, and that the measure orders the formats as their
// bits do on the trained stories260K.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "llm/llm_context.h"
#include "llm/llm_requantize.h"
#include "llm/next_token_kl.h"
#include "llm/odin_convert.h"
#include "llm_test_models.h"
#include "test_util.h"

namespace odin::test {
namespace {

struct TempFile {
  explicit TempFile(const std::string& name)
      : path((std::filesystem::temp_directory_path() /
              ("odin_test_requant_" + std::to_string(getpid()) + "_" + name))
                 .string()) {}
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

std::string written_model(const std::string& name, TempFile& file) {
  const Status s = write_llm_test_model(name, std::string(ODIN_TEST_DATA_DIR), file.path);
  EXPECT_TRUE(s.ok()) << s.message();
  return file.path;
}

TEST(LlmRequantize, MatricesTakeTheTargetFormat) {
  TempFile gguf("llama-f16.gguf");
  auto file = open_llm_file(written_model("llama-f16", gguf), true);
  ASSERT_TRUE(file.ok()) << file.status().message();
  auto source = open_llm_file(gguf.path, true);  // untouched, for comparison
  ASSERT_TRUE(source.ok());
  auto r = requantize_llm_weights((*file)->weights, BlockFormat::kM0E4);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const LlmConfig& c = (*file)->weights.config;
  EXPECT_EQ(r->to_target, 7 * c.n_layer);  // q, k, v, o, gate, up, down
  EXPECT_EQ(r->to_q8_0, 1);                // output.weight
  for (size_t i = 0; i < (*file)->weights.tensors.size(); ++i) {
    const LlmTensor& t = (*file)->weights.tensors[i];
    const LlmTensor& s = (*source)->weights.tensors[i];
    BlockFormat want = BlockFormat::kM0E4;
    if (t.name == "token_embd.weight") want = s.format;
    if (t.name == "output.weight") want = BlockFormat::kQ8_0;
    if (t.name.ends_with("norm.weight")) want = BlockFormat::kF32;
    EXPECT_EQ(t.format, want) << t.name;
    if (want == s.format) continue;
    // Row 1: the reference quantizer's bytes of the decoded source row.
    const int64_t row = t.dims[0];
    std::vector<float> f(static_cast<size_t>(row));
    dequantize_row(s.format, s.data.data() + block_row_bytes(s.format, row), f);
    std::vector<uint8_t> q(static_cast<size_t>(block_row_bytes(want, row)));
    ASSERT_TRUE(quantize_row(want, f, q.data()));
    const int64_t rb = block_row_bytes(want, row);
    EXPECT_TRUE(std::equal(q.begin(), q.end(), t.data.begin() + rb)) << t.name;
  }
}

TEST(LlmRequantize, RefusesFormatsWithoutQuantizer) {
  LlmWeights w;
  EXPECT_FALSE(requantize_llm_weights(w, BlockFormat::kBF16).ok());
  EXPECT_FALSE(requantize_llm_weights(w, BlockFormat::kF32).ok());
}

TEST(NextTokenKl, SoftmaxKl) {
  const float a[] = {0.0f, 0.0f}, b[] = {0.0f, std::log(3.0f)};
  EXPECT_EQ(softmax_kl(a, a), 0.0);
  // p = (1/2, 1/2), q = (1/4, 3/4): KL = ln(4/3) / 2.
  EXPECT_NEAR(softmax_kl(a, b), 0.5 * std::log(4.0 / 3.0), 1e-7);
  const float shifted[] = {100.0f, 100.0f + std::log(3.0f)};  // softmax is shift-free
  EXPECT_NEAR(softmax_kl(a, shifted), 0.5 * std::log(4.0 / 3.0), 1e-5);
}

struct Opened {
  std::unique_ptr<LlmModel> model;
  std::unique_ptr<LlmContext> ctx;
};

Opened open(const std::string& path) {
  LlmGraphOptions options;
  options.n_ctx = 128;
  auto m = LlmModel::open(path, options);
  EXPECT_TRUE(m.ok()) << m.status().message();
  if (!m.ok()) return {};
  SessionOptions so;
  so.backends = {"cpu"};
  so.num_threads = 1;
  auto c = LlmContext::create(**m, so);
  EXPECT_TRUE(c.ok()) << c.status().message();
  if (!c.ok()) return {};
  return {std::move(m).value(), std::move(c).value()};
}

// Trained weights: the F32 model against itself is 0; Q8_0 is far closer
// to it than the 4-bit formats, which still mostly agree on the top token.
TEST(NextTokenKl, OrdersTheFormatsOnStories260K) {
  TempFile gguf("stories260K-f32.gguf");
  const std::string source = written_model("stories260K-f32", gguf);
  const std::vector<int32_t> prompt = {1, 400, 65};
  constexpr int64_t kPositions = 64;
  Opened base = open(source), same = open(source);
  ASSERT_TRUE(base.ctx && same.ctx);
  auto self = next_token_kl(*base.ctx, *same.ctx, prompt, kPositions);
  ASSERT_TRUE(self.ok()) << self.status().message();
  EXPECT_EQ(self->kl.size(), static_cast<size_t>(kPositions));
  EXPECT_EQ(self->tokens.size(), prompt.size() + kPositions - 1);
  EXPECT_EQ(self->max, 0.0);
  EXPECT_EQ(self->top1_agreement, 1.0);

  double kl[2] = {};
  const BlockFormat formats[2] = {BlockFormat::kQ8_0, BlockFormat::kM0E4};
  for (int i = 0; i < 2; ++i) {
    TempFile out(std::string(block_format_info(formats[i]).name) + ".odin");
    auto conv = convert_to_odin(source, out.path, {}, formats[i]);
    ASSERT_TRUE(conv.ok()) << conv.status().message();
    EXPECT_GT(conv->requantized.to_target, 0);
    auto file = open_llm_file(out.path, true);  // the format survives the file
    ASSERT_TRUE(file.ok()) << file.status().message();
    const LlmTensor* wq = (*file)->weights.find("blk.0.attn_q.weight");
    ASSERT_TRUE(wq);
    EXPECT_EQ(wq->format, formats[i]);
    Opened b = open(source), q = open(out.path);
    ASSERT_TRUE(b.ctx && q.ctx);
    auto r = next_token_kl(*b.ctx, *q.ctx, prompt, kPositions);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->tokens, self->tokens);  // the base model's continuation
    EXPECT_GT(r->mean, 0.0);
    EXPECT_GT(r->top1_agreement, 0.5);
    kl[i] = r->mean;
  }
  EXPECT_LT(kl[0] * 4, kl[1]) << "Q8_0 " << kl[0] << ", M0E4 " << kl[1];
}

}  // namespace
}  // namespace odin::test
