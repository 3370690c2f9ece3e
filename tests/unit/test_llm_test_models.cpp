// The LLM test models (tests/llm_test_models.h): each spec writes a GGUF file
// that odin's loaders open with the spec's architecture, shapes, types and
// vocabulary; writing twice gives the same bytes; and each file is the one
// llama.cpp's golden output was made from (the golden's header records its
// SHA-256), so a change to the writer that would invalidate the goldens
// fails here, loudly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "core/mapped_file.h"
#include "format/gguf/gguf_file.h"
#include "format/gguf/gguf_llm.h"
#include "format/gguf/gguf_vocab.h"
#include "format/llama2c/llama2c_file.h"
#include "format/llm/llm_file.h"
#include "llm_test_models.h"
#include "test_util.h"

namespace odin {
namespace {

using test::LlmTestModelSpec;

std::string tests_dir() {
  return ODIN_TEST_DATA_DIR;
}

// The SHA-256 in the first line of the spec's golden ("... sha256=<hex> ...").
std::string golden_sha256(const std::string& spec) {
  const std::string path = test::data_path("data/llm/golden/" + spec + ".greedy64.txt");
  const std::vector<uint8_t> bytes = test::read_file(path);
  const std::string text(bytes.begin(), bytes.end());
  const std::string first = text.substr(0, text.find('\n'));
  const size_t at = first.find("sha256=");
  return at == std::string::npos ? "" : first.substr(at + 7, 64);
}

std::vector<float> decode(const LlmTensor& t) {
  std::vector<float> y(static_cast<size_t>(t.num_elements()));
  dequantize_row(t.format, t.data.data(), y);
  return y;
}

TEST(LlmTestModels, Sha256OfFipsExamples) {
  const auto sha = [](const std::string& s) {
    return test::sha256_hex({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  };
  EXPECT_EQ(sha(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // 56 bytes: the length no longer fits the first padding block.
  EXPECT_EQ(sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha(std::string(1000, 'a')),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST(LlmTestModels, Q4KMMixIsLlamaCpps) {
  const LlmTestModelSpec* s = test::find_llm_test_model_spec("llama-q4_k_m");
  ASSERT_NE(s, nullptr);
  // 4 layers: use_more_bits holds for layers 2 and 3.
  const auto f = [s](const char* name) { return test::llm_test_tensor_format(*s, name, 4); };
  EXPECT_EQ(f("token_embd.weight"), BlockFormat::kQ4_K);
  EXPECT_EQ(f("output.weight"), BlockFormat::kQ6_K);
  EXPECT_EQ(f("output_norm.weight"), BlockFormat::kF32);
  EXPECT_EQ(f("blk.0.attn_v.weight"), BlockFormat::kQ4_K);
  EXPECT_EQ(f("blk.1.attn_v.weight"), BlockFormat::kQ4_K);
  EXPECT_EQ(f("blk.2.attn_v.weight"), BlockFormat::kQ6_K);
  EXPECT_EQ(f("blk.3.attn_v.weight"), BlockFormat::kQ6_K);
  EXPECT_EQ(f("blk.1.ffn_down.weight"), BlockFormat::kQ4_K);
  EXPECT_EQ(f("blk.2.ffn_down.weight"), BlockFormat::kQ6_K);
  EXPECT_EQ(f("blk.3.attn_q.weight"), BlockFormat::kQ4_K);
  EXPECT_EQ(f("blk.3.ffn_up.weight"), BlockFormat::kQ4_K);
  // A 32-layer model, as llama.cpp assigns it: 0-3, 6, 9, ..., 27, 28-31.
  for (int i = 0; i < 32; ++i) {
    const bool more = i < 4 || i >= 28 || (i - 4) % 3 == 2;
    EXPECT_EQ(test::llm_test_tensor_format(*s, "blk." + std::to_string(i) + ".ffn_down.weight", 32),
              more ? BlockFormat::kQ6_K : BlockFormat::kQ4_K)
        << i;
  }
}

class EverySpec : public ::testing::TestWithParam<std::string> {};

TEST_P(EverySpec, WritesDeterministicallyTheGoldensFileAndLoads) {
  const LlmTestModelSpec* spec = test::find_llm_test_model_spec(GetParam());
  ASSERT_NE(spec, nullptr);
  auto built = test::build_llm_test_model(spec->name, tests_dir());
  ASSERT_TRUE(built.ok()) << built.status().to_string();
  const std::vector<uint8_t>& bytes = *built;
  auto again = test::build_llm_test_model(spec->name, tests_dir());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again == bytes) << "writing " << spec->name << " twice gave different bytes";
  EXPECT_EQ(test::sha256_hex(bytes), golden_sha256(spec->name))
      << spec->name << ": the writer no longer writes the file llama.cpp's golden "
      << "(tests/data/llm/golden) was made from; regenerate the goldens (README there)";

  auto file = gguf::GgufFile::parse(bytes, spec->name);
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  auto weights = gguf::llm_weights(*file, spec->name);
  ASSERT_TRUE(weights.ok()) << weights.status().to_string();
  auto vocab = gguf::read_vocab(*file, spec->name);
  ASSERT_TRUE(vocab.ok()) << vocab.status().to_string();
  const LlmConfig& c = weights->config;
  EXPECT_EQ(c.architecture, spec->architecture);
  EXPECT_EQ(vocab->size(), c.n_vocab);

  if (spec->weights == test::LlmTestWeights::kRandom) {
    EXPECT_EQ(c.n_embd, spec->n_embd);
    EXPECT_EQ(c.n_layer, spec->n_layer);
    EXPECT_EQ(c.n_head, spec->n_head);
    EXPECT_EQ(c.n_head_kv, spec->n_head_kv);
    EXPECT_EQ(c.n_ff, spec->n_ff);
    EXPECT_EQ(c.n_ctx_train, spec->n_ctx);
    EXPECT_EQ(c.head_dim, spec->head_dim ? spec->head_dim : spec->n_embd / spec->n_head);
    EXPECT_EQ(c.rope_freq_base, spec->rope_freq_base);
    EXPECT_EQ(c.rms_norm_eps, spec->rms_norm_eps);
    EXPECT_EQ(c.tied_output, spec->tied_output);
    // Weights of std 0.02, norm weights 1 +- 0.02 (what llama.cpp's goldens
    // ran on).
    const std::vector<float> embd = decode(*weights->find("token_embd.weight"));
    double sq = 0;
    for (float v : embd) sq += double{v} * v;
    EXPECT_NEAR(std::sqrt(sq / static_cast<double>(embd.size())), 0.02, 0.001);
    for (float v : decode(*weights->find("blk.0.attn_norm.weight"))) EXPECT_NEAR(v, 1.0f, 0.07f);
  } else {
    // stories260K: the checkpoint's hyperparameters and, in F32, its bytes.
    auto map = MappedFile::open(test::data_path("data/llm/stories260K.bin"));
    ASSERT_TRUE(map.ok());
    auto trained = read_llama2c((*map)->bytes(), "stories260K.bin");
    ASSERT_TRUE(trained.ok());
    const LlmConfig& t = trained->config;
    EXPECT_EQ(c.n_embd, t.n_embd);
    EXPECT_EQ(c.n_layer, t.n_layer);
    EXPECT_EQ(c.n_head, t.n_head);
    EXPECT_EQ(c.n_head_kv, t.n_head_kv);
    EXPECT_EQ(c.n_ff, t.n_ff);
    EXPECT_EQ(c.n_vocab, t.n_vocab);
    EXPECT_EQ(c.n_ctx_train, t.n_ctx_train);
    EXPECT_EQ(c.tied_output, t.tied_output);
    EXPECT_EQ(vocab->find("<s>"), 1);
    EXPECT_EQ(vocab->byte_token(0x41), 3 + 0x41);
    for (const LlmTensor& w : trained->tensors) {
      const LlmTensor* got = weights->find(w.name);
      ASSERT_NE(got, nullptr) << w.name;
      const std::vector<float> want = decode(w), have = decode(*got);
      ASSERT_EQ(want.size(), have.size()) << w.name;
      for (size_t i = 0; i < want.size(); ++i) {  // F16: one rounding
        ASSERT_NEAR(have[i], want[i], std::fabs(want[i]) / 1024 + 1e-7f) << w.name << " " << i;
      }
      if (spec->mix == test::LlmTestMix::kF32) {
        EXPECT_TRUE(std::equal(w.data.begin(), w.data.end(), got->data.begin())) << w.name;
      }
    }
  }

  // Every tensor in the format the spec gives it.
  for (const LlmTensor& t : weights->tensors)
    EXPECT_EQ(t.format, test::llm_test_tensor_format(*spec, t.name, c.n_layer)) << t.name;
  const std::string arch = spec->architecture;
  EXPECT_EQ(c.qkv_bias, arch == "qwen2");
  EXPECT_EQ(weights->find("blk.1.attn_k.bias") != nullptr, arch == "qwen2");
  EXPECT_EQ(c.qk_norm, arch == "qwen3");
  if (arch == "qwen3") {  // one [head_dim] weight per layer for Q and for K
    const LlmTensor* q_norm = weights->find("blk.1.attn_q_norm.weight");
    ASSERT_NE(q_norm, nullptr);
    EXPECT_EQ(q_norm->dims, std::vector<int64_t>{c.head_dim});
    EXPECT_EQ(weights->find("blk.0.attn_q.weight")->dims,
              (std::vector<int64_t>{c.n_embd, c.n_head * c.head_dim}));
  }
  EXPECT_EQ(c.latent_attention(), arch == "plm");
  if (arch == "plm") {  // the GGUF keys read back; the latent's expansion to every head
    EXPECT_EQ(c.kv_lora_rank, spec->kv_lora_rank);
    EXPECT_EQ(c.rope_dim, spec->rope_dim);
    EXPECT_EQ(c.head_dim_v, spec->head_dim_v);
    EXPECT_EQ(c.head_dim, spec->head_dim);
    EXPECT_EQ(weights->find("blk.1.attn_kv_b.weight")->dims,
              (std::vector<int64_t>{c.kv_lora_rank,
                                    c.n_head * (c.head_dim - c.rope_dim + c.head_dim_v)}));
    EXPECT_EQ(weights->find("blk.1.ffn_gate.weight"), nullptr);
  }
  if (spec->vocab == test::LlmTestVocab::kQwen2) {
    EXPECT_EQ(vocab->model, TokenizerModel::kBytePairBpe);
    EXPECT_EQ(vocab->pre, "qwen2");
    EXPECT_EQ(vocab->size(), 151936);
  }
  if (spec->vocab == test::LlmTestVocab::kLlamaSpm) {
    // The vocabulary is the committed file's, piece for piece.
    auto map = MappedFile::open(test::data_path("data/vocab/ggml-vocab-llama-spm.gguf"));
    ASSERT_TRUE(map.ok());
    auto vf = gguf::GgufFile::parse((*map)->bytes(), "llama-spm");
    ASSERT_TRUE(vf.ok());
    auto want = gguf::read_vocab(*vf, "llama-spm");
    ASSERT_TRUE(want.ok());
    EXPECT_EQ(vocab->pieces, want->pieces);
    EXPECT_EQ(vocab->scores, want->scores);
    EXPECT_EQ(vocab->types, want->types);
    EXPECT_EQ(vocab->bos, 1);
    EXPECT_TRUE(vocab->add_bos);
  }
}

INSTANTIATE_TEST_SUITE_P(LlmTestModels, EverySpec, ::testing::ValuesIn([] {
                           std::vector<std::string> names;
                           for (const auto& s : test::llm_test_model_specs())
                             names.push_back(s.name);
                           return names;
                         }()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& ch : n)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

TEST(LlmTestModels, WrittenFileOpensAsAnLlmFile) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("odin_test_stories260K-f16." + std::to_string(::getpid()) + ".gguf"))
                               .string();
  ASSERT_TRUE(test::write_llm_test_model("stories260K-f16", tests_dir(), path).ok());
  {
    auto file = open_llm_file(path, /*require_weights=*/true);
    ASSERT_TRUE(file.ok()) << file.status().to_string();
    EXPECT_EQ((*file)->container, "GGUF v3");
    EXPECT_TRUE((*file)->vocab.has_value());
    EXPECT_EQ((*file)->weights.config.n_vocab, 512);
    EXPECT_EQ((*file)->weights.find("blk.0.attn_q.weight")->format, BlockFormat::kF16);
  }
  std::filesystem::remove(path);
  EXPECT_FALSE(test::build_llm_test_model("no-such-spec", tests_dir()).ok());
}

}  // namespace
}  // namespace odin
