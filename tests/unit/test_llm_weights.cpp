// LLM files to LlmWeights: llama2.c checkpoints (stories260K, Karpathy's
// trained weights, MIT: tests/data/llm/stories260K.LICENSE) and GGUF give the
// same hyperparameters and the same tensor bytes; hostile headers, missing
// or misshapen tensors and undecodable types are clear errors.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "core/status.h"
#include "format/gguf/gguf_file.h"
#include "format/gguf/gguf_llm.h"
#include "format/llama2c/llama2c_file.h"
#include "gguf_builder.h"
#include "test_util.h"

namespace odin {
namespace {

std::vector<uint8_t> stories260k() {
  return test::read_file(test::data_path("data/llm/stories260K.bin"));
}

// A small llama2.c checkpoint: dim 8, hidden 12, 2 layers, 2 heads sharing
// one KV head, vocab 10 (negative: its own classifier), seq_len 4.
std::vector<uint8_t> tiny_llama2c(int32_t vocab = -10) {
  const int32_t header[7] = {8, 12, 2, 2, 1, vocab, 4};
  const int64_t d = 8, f = 12, l = 2, kv = 4, v = vocab < 0 ? -vocab : vocab, half = 2;
  const int64_t floats = v * d + l * (2 * d + 2 * d * d + 2 * d * kv + 3 * d * f) + d +
                         2 * 4 * half + (vocab < 0 ? v * d : 0);
  std::vector<uint8_t> bytes(sizeof header + static_cast<size_t>(floats) * 4);
  std::memcpy(bytes.data(), header, sizeof header);
  for (int64_t i = 0; i < floats; ++i) {
    const float x = static_cast<float>(i % 97) / 97.0f;
    std::memcpy(bytes.data() + sizeof header + i * 4, &x, 4);
  }
  return bytes;
}

std::vector<uint8_t> as_bytes(std::span<const uint8_t> s) {
  return {s.begin(), s.end()};
}

// The GGUF a converter would write from `w` (F32 tensors, llama metadata).
std::vector<uint8_t> gguf_of(const LlmWeights& w) {
  const LlmConfig& c = w.config;
  test::GgufBuilder b;
  b.str("general.architecture", "llama")
      .u32("llama.embedding_length", static_cast<uint32_t>(c.n_embd))
      .u32("llama.feed_forward_length", static_cast<uint32_t>(c.n_ff))
      .u32("llama.block_count", static_cast<uint32_t>(c.n_layer))
      .u32("llama.attention.head_count", static_cast<uint32_t>(c.n_head))
      .u32("llama.attention.head_count_kv", static_cast<uint32_t>(c.n_head_kv))
      .u32("llama.context_length", static_cast<uint32_t>(c.n_ctx_train))
      .f32("llama.attention.layer_norm_rms_epsilon", c.rms_norm_eps)
      .f32("llama.rope.freq_base", c.rope_freq_base);
  for (const LlmTensor& t : w.tensors) {
    std::vector<uint64_t> dims(t.dims.begin(), t.dims.end());
    b.tensor(t.name, dims, 0, as_bytes(t.data));
  }
  return b.build();
}

void expect_same_weights(const LlmWeights& a, const LlmWeights& b) {
  EXPECT_EQ(a.config.n_embd, b.config.n_embd);
  EXPECT_EQ(a.config.n_ff, b.config.n_ff);
  EXPECT_EQ(a.config.n_layer, b.config.n_layer);
  EXPECT_EQ(a.config.n_head, b.config.n_head);
  EXPECT_EQ(a.config.n_head_kv, b.config.n_head_kv);
  EXPECT_EQ(a.config.head_dim, b.config.head_dim);
  EXPECT_EQ(a.config.n_vocab, b.config.n_vocab);
  EXPECT_EQ(a.config.n_ctx_train, b.config.n_ctx_train);
  EXPECT_EQ(a.config.tied_output, b.config.tied_output);
  EXPECT_FLOAT_EQ(a.config.rms_norm_eps, b.config.rms_norm_eps);
  EXPECT_FLOAT_EQ(a.config.rope_freq_base, b.config.rope_freq_base);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (const LlmTensor& t : a.tensors) {
    const LlmTensor* u = b.find(t.name);
    ASSERT_NE(u, nullptr) << t.name;
    EXPECT_EQ(t.dims, u->dims) << t.name;
    EXPECT_EQ(t.format, u->format) << t.name;
    EXPECT_TRUE(std::equal(t.data.begin(), t.data.end(), u->data.begin(), u->data.end())) << t.name;
  }
}

TEST(Llama2c, Stories260kHeaderAndTensors) {
  const std::vector<uint8_t> bytes = stories260k();
  ASSERT_FALSE(bytes.empty()) << "tests/data/llm/stories260K.bin missing";
  auto w = read_llama2c(bytes, "stories260K.bin");
  ASSERT_TRUE(w.ok()) << w.status().to_string();
  const LlmConfig& c = w->config;
  EXPECT_EQ(c.architecture, "llama");
  EXPECT_EQ(c.n_embd, 64);
  EXPECT_EQ(c.n_ff, 172);
  EXPECT_EQ(c.n_layer, 5);
  EXPECT_EQ(c.n_head, 8);
  EXPECT_EQ(c.n_head_kv, 4);
  EXPECT_EQ(c.head_dim, 8);
  EXPECT_EQ(c.n_vocab, 512);
  EXPECT_EQ(c.n_ctx_train, 512);
  EXPECT_TRUE(c.tied_output);
  EXPECT_EQ(w->tensors.size(), 2u + 9u * 5u);
  // The embedding starts right after the header; layer 1's K follows layer 0's.
  const LlmTensor* embd = w->find("token_embd.weight");
  ASSERT_NE(embd, nullptr);
  EXPECT_EQ(embd->data.data(), bytes.data() + kLlama2cHeaderBytes);
  const LlmTensor* k0 = w->find("blk.0.attn_k.weight");
  const LlmTensor* k1 = w->find("blk.1.attn_k.weight");
  ASSERT_TRUE(k0 && k1);
  EXPECT_EQ(k0->dims, (std::vector<int64_t>{64, 32}));
  EXPECT_EQ(k1->data.data(), k0->data.data() + k0->data.size());
}

TEST(Llama2c, GgufOfTheSameWeightsReadsTheSame) {
  for (const auto& bytes : {stories260k(), tiny_llama2c()}) {
    auto from_bin = read_llama2c(bytes, "model.bin");
    ASSERT_TRUE(from_bin.ok()) << from_bin.status().to_string();
    const std::vector<uint8_t> file = gguf_of(*from_bin);
    auto parsed = gguf::GgufFile::parse(file, "model.gguf");
    ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
    auto from_gguf = gguf::llm_weights(*parsed, "model.gguf");
    ASSERT_TRUE(from_gguf.ok()) << from_gguf.status().to_string();
    expect_same_weights(*from_bin, *from_gguf);
  }
}

TEST(Llama2c, EveryTruncationAndExtensionIsAnError) {
  const std::vector<uint8_t> bytes = tiny_llama2c();
  ASSERT_TRUE(read_llama2c(bytes, "tiny.bin").ok());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto w = read_llama2c(std::span<const uint8_t>(bytes.data(), n), "tiny.bin");
    ASSERT_FALSE(w.ok()) << n;
    EXPECT_NE(w.status().message().find("tiny.bin"), std::string::npos);
  }
  std::vector<uint8_t> longer = bytes;
  longer.resize(bytes.size() + 4);
  auto w = read_llama2c(longer, "tiny.bin");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("the file has"), std::string::npos) << w.status().message();
}

TEST(Llama2c, HostileHeadersAreClearErrors) {
  const struct {
    int field;
    int32_t value;
    const char* says;
  } cases[] = {
      {0, 0, "sizes must be positive"},
      {0, -8, "sizes must be positive"},
      {5, 0, "sizes must be positive"},
      {5, INT32_MIN, "sizes must be positive"},
      {0, 9, "heads of an even size"},
      {3, 3, "heads of an even size"},
      // Sizes that match no file (or overflow 64 bits): what is wrong
      // depends on which check comes first, so only the header is named.
      {4, 3, ""},
      {0, 1 << 30, ""},
      {1, INT32_MAX, ""},
      {2, INT32_MAX, ""},
  };
  for (const auto& c : cases) {
    std::vector<uint8_t> bytes = tiny_llama2c();
    std::memcpy(bytes.data() + 4 * c.field, &c.value, 4);
    auto w = read_llama2c(bytes, "hostile.bin");
    ASSERT_FALSE(w.ok()) << c.field << "=" << c.value;
    const std::string& m = w.status().message();
    EXPECT_NE(m.find(c.says), std::string::npos) << m;
    EXPECT_NE(m.find("llama2.c header"), std::string::npos) << m;
  }
}

TEST(GgufLlm, MissingMisshapenAndUndecodableTensorsAreNamed) {
  const std::vector<uint8_t> tiny = tiny_llama2c();  // the weights point into it
  auto base = read_llama2c(tiny, "tiny.bin");
  ASSERT_TRUE(base.ok());
  const auto error_of = [](const LlmWeights& w) {
    const std::vector<uint8_t> file = gguf_of(w);
    auto parsed = gguf::GgufFile::parse(file, "bad.gguf");
    if (!parsed.ok()) return parsed.status().message();
    auto weights = gguf::llm_weights(*parsed, "bad.gguf");
    return weights.ok() ? std::string("loaded") : weights.status().message();
  };

  LlmWeights missing = *base;
  missing.tensors.erase(missing.tensors.begin() + 3);
  EXPECT_NE(error_of(missing).find("tensor '" + base->tensors[3].name + "' is missing"),
            std::string::npos)
      << error_of(missing);

  LlmWeights misshapen = *base;
  for (LlmTensor& t : misshapen.tensors)
    if (t.name == "blk.1.ffn_down.weight") t.dims = {8, 12};  // transposed
  EXPECT_NE(error_of(misshapen).find("'blk.1.ffn_down.weight' is [8, 12]"), std::string::npos)
      << error_of(misshapen);

  // The same file with one matrix stored as Q5_K (ggml type 13), which odin
  // cannot decode yet: 256-element rows are needed, so a wider model.
  test::GgufBuilder b;
  b.str("general.architecture", "llama")
      .u32("llama.embedding_length", 256)
      .u32("llama.feed_forward_length", 256)
      .u32("llama.block_count", 1)
      .u32("llama.attention.head_count", 2)
      .u32("llama.context_length", 16);
  const auto f32 = [](int64_t n) { return std::vector<uint8_t>(static_cast<size_t>(n) * 4); };
  b.tensor("token_embd.weight", {256, 4}, 0, f32(1024))
      .tensor("output_norm.weight", {256}, 0, f32(256));
  for (const char* m :
       {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"})
    b.tensor(str_cat("blk.0.", m, ".weight"), {256, 256}, 0, f32(256 * 256));
  b.tensor("blk.0.attn_norm.weight", {256}, 0, f32(256))
      .tensor("blk.0.ffn_norm.weight", {256}, 0, f32(256));
  const std::vector<uint8_t> good = b.build();
  auto parsed = gguf::GgufFile::parse(good, "wide.gguf");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  ASSERT_TRUE(gguf::llm_weights(*parsed, "wide.gguf").ok());
  b.tensor("output.weight", {256, 4}, 13, std::vector<uint8_t>(4 * 176));
  const std::vector<uint8_t> q5k = b.build();
  auto parsed_q5k = gguf::GgufFile::parse(q5k, "wide.gguf");
  ASSERT_TRUE(parsed_q5k.ok()) << parsed_q5k.status().to_string();
  auto w = gguf::llm_weights(*parsed_q5k, "wide.gguf");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("'output.weight' is Q5_K, which odin does not decode yet"),
            std::string::npos)
      << w.status().message();
}

TEST(GgufLlm, HostileHyperparametersAreRefusedBeforeSizing) {
  test::GgufBuilder b;
  b.str("general.architecture", "llama")
      .u32("llama.embedding_length", 8)
      .u32("llama.feed_forward_length", 8)
      .u64("llama.block_count", uint64_t{1} << 40)
      .u32("llama.attention.head_count", 2)
      .u32("llama.context_length", 16)
      .tensor("token_embd.weight", {8, 4}, 0, std::vector<uint8_t>(128));
  const std::vector<uint8_t> file = b.build();
  auto parsed = gguf::GgufFile::parse(file, "huge.gguf");
  ASSERT_TRUE(parsed.ok());
  auto w = gguf::llm_weights(*parsed, "huge.gguf");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("llama.block_count"), std::string::npos)
      << w.status().message();

  test::GgufBuilder other;
  other.str("general.architecture", "mamba");
  const std::vector<uint8_t> mamba = other.build();
  auto parsed_mamba = gguf::GgufFile::parse(mamba, "mamba.gguf");
  ASSERT_TRUE(parsed_mamba.ok());
  auto m = gguf::llm_weights(*parsed_mamba, "mamba.gguf");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("architecture 'mamba' is not supported"), std::string::npos);
}

}  // namespace
}  // namespace odin
