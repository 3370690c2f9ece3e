// LLM files to LlmWeights: llama2.c checkpoints (stories260K, Karpathy's
// trained weights, MIT: tests/data/llm/stories260K.LICENSE) and GGUF give the
// same hyperparameters and the same tensor bytes; hostile headers, missing
// or misshapen tensors, qwen3 head sizes that disagree and undecodable types
// are clear errors.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
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

// A tiny qwen3 GGUF (F32 zeros): width 8, 2 heads of 6 (wider than 8 / 2)
// sharing one KV head, FFN 12, vocab 4, tied output. `meta` overrides or
// adds integer keys; `drop` names a tensor left out.
std::vector<uint8_t> tiny_qwen3(const std::map<std::string, uint32_t>& meta = {},
                                const std::string& drop = "") {
  LlmConfig c;
  c.architecture = "qwen3";
  c.n_embd = 8;
  c.n_ff = 12;
  c.n_layer = 1;
  c.n_head = 2;
  c.n_head_kv = 1;
  c.head_dim = 6;
  c.n_vocab = 4;
  c.tied_output = true;
  c.qk_norm = true;
  std::map<std::string, uint32_t> keys = {{"qwen3.embedding_length", 8},
                                          {"qwen3.feed_forward_length", 12},
                                          {"qwen3.block_count", 1},
                                          {"qwen3.attention.head_count", 2},
                                          {"qwen3.attention.head_count_kv", 1},
                                          {"qwen3.attention.key_length", 6},
                                          {"qwen3.attention.value_length", 6},
                                          {"qwen3.context_length", 16}};
  for (const auto& [key, value] : meta) keys[key] = value;
  test::GgufBuilder b;
  b.str("general.architecture", "qwen3");
  for (const auto& [key, value] : keys) b.u32(key, value);
  for (const ExpectedTensor& t : expected_llm_tensors(c)) {
    if (t.name == drop) continue;
    int64_t n = 1;
    for (int64_t d : t.dims) n *= d;
    b.tensor(t.name, std::vector<uint64_t>(t.dims.begin(), t.dims.end()), 0,
             std::vector<uint8_t>(static_cast<size_t>(n) * 4));
  }
  return b.build();
}

// gguf::llm_weights' error for `file`, or "loaded".
std::string llm_error(const std::vector<uint8_t>& file) {
  auto parsed = gguf::GgufFile::parse(file, "bad.gguf");
  if (!parsed.ok()) return parsed.status().message();
  auto weights = gguf::llm_weights(*parsed, "bad.gguf");
  return weights.ok() ? std::string("loaded") : weights.status().message();
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

TEST(GgufLlm, Qwen3HeadSizeComesFromKeyLength) {
  const std::vector<uint8_t> file = tiny_qwen3();
  auto parsed = gguf::GgufFile::parse(file, "qwen3.gguf");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  auto w = gguf::llm_weights(*parsed, "qwen3.gguf");
  ASSERT_TRUE(w.ok()) << w.status().to_string();
  EXPECT_EQ(w->config.head_dim, 6);
  EXPECT_TRUE(w->config.qk_norm);
  EXPECT_FALSE(w->config.qkv_bias);
  ASSERT_NE(w->find("blk.0.attn_k_norm.weight"), nullptr);
  EXPECT_EQ(w->find("blk.0.attn_k_norm.weight")->dims, std::vector<int64_t>{6});
  EXPECT_EQ(w->find("blk.0.attn_q.weight")->dims, (std::vector<int64_t>{8, 12}));
}

TEST(GgufLlm, Qwen3MissingHeadNormsAndBadHeadSizesAreClearErrors) {
  const struct {
    std::map<std::string, uint32_t> meta;
    std::string drop;
    std::string says;
  } cases[] = {
      {{},
       "blk.0.attn_q_norm.weight",
       "tensor 'blk.0.attn_q_norm.weight' is missing (qwen3 with 1 layers needs it)"},
      {{}, "blk.0.attn_k_norm.weight", "tensor 'blk.0.attn_k_norm.weight' is missing"},
      // Heads of 4 (= n_embd / n_head): the stored projections are wider.
      {{{"qwen3.attention.key_length", 4}, {"qwen3.attention.value_length", 4}},
       "",
       "'blk.0.attn_q.weight' is [8, 12], the model's hyperparameters need [8, 8]"},
      {{{"qwen3.attention.value_length", 4}},
       "",
       "value heads of 4 (qwen3.attention.value_length) differ from key heads of 6"},
      {{{"qwen3.attention.key_length", 5}, {"qwen3.attention.value_length", 5}},
       "",
       "head_dim 5 is odd"},
      {{{"qwen3.attention.key_length", 0}, {"qwen3.attention.value_length", 0}},
       "",
       "head_dim is 0"},
      {{{"qwen3.rope.dimension_count", 4}}, "", "RoPE turns 4 values"},
  };
  for (const auto& c : cases) {
    const std::string e = llm_error(tiny_qwen3(c.meta, c.drop));
    EXPECT_NE(e.find(c.says), std::string::npos) << e;
    EXPECT_NE(e.find("bad.gguf"), std::string::npos) << e;
  }
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
