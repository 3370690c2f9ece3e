#include "llm_test_models.h"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "core/mapped_file.h"
#include "format/gguf/gguf_file.h"
#include "format/llama2c/llama2c_file.h"
#include "format/llm/llm_weights.h"
#include "gguf_builder.h"
#include "quant/fp16.h"

namespace odin::test {
namespace {

// ------------------------------------------------------------------ specs

LlmTestModelSpec random_llama(const char* name, LlmTestMix mix) {
  LlmTestModelSpec s{name, "llama", LlmTestWeights::kRandom, LlmTestVocab::kLlamaSpm, mix};
  s.n_embd = 256;
  s.n_layer = 4;
  s.n_head = 4;
  s.n_head_kv = 2;
  s.n_ff = 768;
  s.n_ctx = 256;
  s.rope_freq_base = 10000.0f;
  s.rms_norm_eps = 1e-5f;
  s.tied_output = false;
  return s;
}

LlmTestModelSpec random_qwen2(const char* name, LlmTestMix mix) {
  LlmTestModelSpec s{name, "qwen2", LlmTestWeights::kRandom, LlmTestVocab::kQwen2, mix};
  s.n_embd = 256;
  s.n_layer = 2;
  s.n_head = 4;
  s.n_head_kv = 2;
  s.n_ff = 768;
  s.n_ctx = 256;
  s.rope_freq_base = 1000000.0f;
  s.rms_norm_eps = 1e-6f;
  s.tied_output = true;  // llama.cpp's qwen2 reads token_embd when output.weight is absent
  return s;
}

// qwen2 without the biases, with an RMS norm of each Q and K head, and
// heads wider than n_embd / n_head (4 x 96 = 384 > 256), as Qwen3-0.6B's
// (16 x 128 > 1024).
LlmTestModelSpec random_qwen3(const char* name, LlmTestMix mix) {
  LlmTestModelSpec s = random_qwen2(name, mix);
  s.architecture = "qwen3";
  s.head_dim = 96;
  return s;
}

// plm (multi-head latent attention, squared-ReLU FFN, no gate), dim 256, 2
// layers, 4 heads: Q/K heads of 48 values without RoPE + 16 with, V heads of
// 64, a latent of 128; always tied to token_embd (llama.cpp's plm has no
// output.weight). F16, so that llama.cpp's un-absorbed K and V and odin's
// absorbed latent differ by rounding only.
LlmTestModelSpec random_plm(const char* name, LlmTestMix mix) {
  LlmTestModelSpec s = random_llama(name, mix);  // width, FFN, vocabulary, RoPE base
  s.architecture = "plm";
  s.n_layer = 2;
  s.n_head_kv = 4;
  s.head_dim = 64;
  s.kv_lora_rank = 128;
  s.rope_dim = 16;
  s.head_dim_v = 64;
  s.rms_norm_eps = 1e-6f;
  s.tied_output = true;
  return s;
}

LlmTestModelSpec stories260k(const char* name, LlmTestMix mix) {
  return {name, "llama", LlmTestWeights::kStories260K, LlmTestVocab::kSynthetic512, mix};
}

// ggml_type ids (ggml.h) and llama_ftype values (llama.h): facts of the format.
uint32_t ggml_type_of(BlockFormat f) {
  switch (f) {
    case BlockFormat::kF32:
      return 0;
    case BlockFormat::kF16:
      return 1;
    case BlockFormat::kQ4_0:
      return 2;
    case BlockFormat::kQ8_0:
      return 8;
    case BlockFormat::kQ4_K:
      return 12;
    case BlockFormat::kQ6_K:
      return 14;
    case BlockFormat::kBF16:
      return 30;
    case BlockFormat::kM0E4:  // odin's own: no ggml type (no spec writes it)
      break;
  }
  return 0;
}

uint32_t llama_ftype_of(LlmTestMix mix) {
  switch (mix) {
    case LlmTestMix::kF32:
      return 0;  // LLAMA_FTYPE_ALL_F32
    case LlmTestMix::kF16:
      return 1;  // MOSTLY_F16
    case LlmTestMix::kQ4_0:
      return 2;  // MOSTLY_Q4_0
    case LlmTestMix::kQ8_0:
      return 7;  // MOSTLY_Q8_0
    case LlmTestMix::kQ4_K_M:
      return 15;  // MOSTLY_Q4_K_M
  }
  return 0;
}

// -------------------------------------------------------------- weights

// Random models' logits have a standard deviation of sqrt(n_embd) * 0.02 *
// gain: 5 for n_embd 256.
constexpr float kOutputGain = 16.0f;
// Mixed into every tensor's stream. Random models' greedy paths hit near
// ties (top two logits within 0.1, where tests stop comparing) early or
// late by chance; of seeds 0-60 this one puts llama.cpp's first near tie
// latest over all random specs (step 18 or later).
constexpr uint64_t kSeed = 37;

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  return h;
}

// Element i of the stream `key`, centred: the sum of the four 16-bit parts
// of splitmix64(key + i) less its mean (Irwin-Hall: roughly normal, within
// +-3.46 standard deviations of 37837). Integers only.
int32_t centred_sum(uint64_t key, uint64_t i) {
  const uint64_t h = splitmix64(key + i);
  const uint64_t s = (h & 0xFFFF) + (h >> 16 & 0xFFFF) + (h >> 32 & 0xFFFF) + (h >> 48);
  return static_cast<int32_t>(s) - 131070;
}

// Values of standard deviation `std` (plus `mean`, exactly: std::fma rounds
// once on every machine, so a compiler that fuses or does not fuse
// multiply-adds writes the same bits). The integer is exact in float.
void fill_random(uint64_t key, float std, float mean, std::span<float> out) {
  const auto scale = static_cast<float>(static_cast<double>(std) * 1.7320508075688772 / 65536.0);
  if (mean == 0.0f) {
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = static_cast<float>(centred_sum(key, i)) * scale;
  } else {
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = std::fma(static_cast<float>(centred_sum(key, i)), scale, mean);
  }
}

std::vector<uint8_t> encode(BlockFormat f, std::span<const float> x) {
  std::vector<uint8_t> out(static_cast<size_t>(block_row_bytes(f, static_cast<int64_t>(x.size()))));
  switch (f) {
    case BlockFormat::kF32:
      std::memcpy(out.data(), x.data(), x.size_bytes());
      break;
    case BlockFormat::kF16:
      for (size_t i = 0; i < x.size(); ++i) {
        const uint16_t h = fp32_to_fp16(x[i]);
        out[2 * i] = static_cast<uint8_t>(h);
        out[2 * i + 1] = static_cast<uint8_t>(h >> 8);
      }
      break;
    case BlockFormat::kQ8_0:
      quantize_row_q8_0(x, out.data());
      break;
    case BlockFormat::kQ4_0:
      quantize_row_q4_0(x, out.data());
      break;
    case BlockFormat::kQ4_K:
      quantize_row_q4_k(x, out.data());
      break;
    case BlockFormat::kQ6_K:
      quantize_row_q6_k(x, out.data());
      break;
    case BlockFormat::kBF16:
    case BlockFormat::kM0E4:
      out.clear();  // not written by any spec
      break;
  }
  return out;
}

// ---------------------------------------------------------- vocabularies

// A metadata value as its bytes in the file (after the type id).
template <typename T>
void put(std::vector<uint8_t>& out, T v) {
  const size_t at = out.size();
  out.resize(at + sizeof(T));
  std::memcpy(out.data() + at, &v, sizeof(T));
}

std::vector<uint8_t> encode_value(const gguf::MetaValue& v) {
  std::vector<uint8_t> out;
  out.reserve(16 + v.str.size() + v.array.raw.size());
  using gguf::ValueType;
  switch (v.type) {
    case ValueType::kU8:
    case ValueType::kBool:
      put(out, static_cast<uint8_t>(v.u));
      break;
    case ValueType::kI8:
      put(out, static_cast<int8_t>(v.i));
      break;
    case ValueType::kU16:
      put(out, static_cast<uint16_t>(v.u));
      break;
    case ValueType::kI16:
      put(out, static_cast<int16_t>(v.i));
      break;
    case ValueType::kU32:
      put(out, static_cast<uint32_t>(v.u));
      break;
    case ValueType::kI32:
      put(out, static_cast<int32_t>(v.i));
      break;
    case ValueType::kU64:
      put(out, v.u);
      break;
    case ValueType::kI64:
      put(out, v.i);
      break;
    case ValueType::kF32:
      put(out, static_cast<float>(v.f));  // read from a float32: exact
      break;
    case ValueType::kF64:
      put(out, v.f);
      break;
    case ValueType::kString:
      put(out, uint64_t{v.str.size()});
      out.insert(out.end(), v.str.begin(), v.str.end());
      break;
    case ValueType::kArray:
      put(out, static_cast<uint32_t>(v.array.element));
      put(out, v.array.count);
      out.insert(out.end(), v.array.raw.begin(), v.array.raw.end());
      break;
  }
  return out;
}

// Copies every tokenizer.* key of the vocab-only GGUF file `path`, in its
// order and with its types.
Status copy_vocab(const std::string& path, GgufBuilder& b) {
  ODIN_ASSIGN_OR_RETURN(std::shared_ptr<MappedFile> map, MappedFile::open(path));
  ODIN_ASSIGN_OR_RETURN(gguf::GgufFile f, gguf::GgufFile::parse(map->bytes(), path));
  for (const gguf::MetaEntry& e : f.metadata()) {
    if (!e.key.starts_with("tokenizer.")) continue;
    const std::string key(e.key);
    const gguf::MetaValue& v = e.value;
    if (v.type != gguf::ValueType::kArray) {
      b.raw(key, static_cast<uint32_t>(v.type), encode_value(v));
    } else if (v.array.element == gguf::ValueType::kString) {
      b.strings(key, std::span<const std::string_view>(v.array.strings));
    } else if (gguf::scalar_size(v.array.element) * v.array.count == v.array.raw.size()) {
      b.raw(key, static_cast<uint32_t>(v.type), encode_value(v));
    } else {
      return make_error(StatusCode::kInvalidModel, path, ": metadata array '", key,
                        "' holds elements the writer cannot copy");
    }
  }
  return Status();
}

// stories260K's own 512-piece vocabulary is not public; these pieces share
// its first 259 ids (<unk>, <s>, </s>, the 256 byte tokens), the rest are
// made up: "▁", the 26 letters with and without "▁", then letter pairs.
void synthetic_vocab(int64_t n_vocab, GgufBuilder& b) {
  std::vector<std::string> pieces = {"<unk>", "<s>", "</s>"};
  for (int i = 0; i < 256; ++i) {
    char piece[8];
    std::snprintf(piece, sizeof piece, "<0x%02X>", i);
    pieces.emplace_back(piece);
  }
  const std::string space = "\xE2\x96\x81";  // U+2581, SentencePiece's space
  std::vector<std::string> made = {space};
  for (char c = 'a'; c <= 'z'; ++c) made.push_back(std::string(1, c));
  for (char c = 'a'; c <= 'z'; ++c) made.push_back(space + c);
  for (char c = 'a'; c <= 'z'; ++c)
    for (char d = 'a'; d <= 'z'; ++d) made.push_back(std::string{c, d});
  for (size_t i = 0; pieces.size() < static_cast<size_t>(n_vocab); ++i) pieces.push_back(made[i]);
  std::vector<float> scores(pieces.size(), 0.0f);
  std::vector<int32_t> types(pieces.size(), 1);   // normal
  types[0] = 2;                                   // unknown
  types[1] = types[2] = 3;                        // control
  for (size_t i = 3; i < 259; ++i) types[i] = 6;  // byte
  for (size_t i = 259; i < pieces.size(); ++i) scores[i] = -static_cast<float>(i);
  b.str("tokenizer.ggml.model", "llama")
      .strings("tokenizer.ggml.tokens", pieces)
      .floats("tokenizer.ggml.scores", scores)
      .ints("tokenizer.ggml.token_type", types)
      .u32("tokenizer.ggml.bos_token_id", 1)
      .u32("tokenizer.ggml.eos_token_id", 2)
      .u32("tokenizer.ggml.unknown_token_id", 0)
      .boolean("tokenizer.ggml.add_bos_token", true)
      .boolean("tokenizer.ggml.add_eos_token", false);
}

// ---------------------------------------------------------------- SHA-256

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube
// roots of the first 64 primes; §5.3.3: square roots of the first 8.
constexpr uint32_t kSha256K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

uint32_t rotr(uint32_t x, int n) {
  return x >> n | x << (32 - n);
}

void sha256_block(uint32_t h[8], const uint8_t* p) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i)
    w[i] = uint32_t{p[4 * i]} << 24 | uint32_t{p[4 * i + 1]} << 16 | uint32_t{p[4 * i + 2]} << 8 |
           p[4 * i + 3];
  for (int i = 16; i < 64; ++i) {
    const uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ w[i - 15] >> 3;
    const uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ w[i - 2] >> 10;
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (int i = 0; i < 64; ++i) {
    const uint32_t t1 =
        k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kSha256K[i] + w[i];
    const uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += k;
}

}  // namespace

// ------------------------------------------------------------- public API

const std::vector<LlmTestModelSpec>& llm_test_model_specs() {
  static const std::vector<LlmTestModelSpec> specs = {
      random_llama("llama-f16", LlmTestMix::kF16),
      random_llama("llama-q8_0", LlmTestMix::kQ8_0),
      random_llama("llama-q4_0", LlmTestMix::kQ4_0),
      random_llama("llama-q4_k_m", LlmTestMix::kQ4_K_M),
      random_qwen2("qwen2-q8_0", LlmTestMix::kQ8_0),
      random_qwen3("qwen3-q8_0", LlmTestMix::kQ8_0),
      random_plm("plm-f16", LlmTestMix::kF16),
      stories260k("stories260K-f16", LlmTestMix::kF16),
      stories260k("stories260K-f32", LlmTestMix::kF32),
  };
  return specs;
}

const LlmTestModelSpec* find_llm_test_model_spec(std::string_view name) {
  for (const LlmTestModelSpec& s : llm_test_model_specs())
    if (name == s.name) return &s;
  return nullptr;
}

BlockFormat llm_test_tensor_format(const LlmTestModelSpec& spec, std::string_view tensor,
                                   int64_t n_layer) {
  if (tensor.ends_with("norm.weight") || tensor.ends_with(".bias")) return BlockFormat::kF32;
  switch (spec.mix) {
    case LlmTestMix::kF32:
      return BlockFormat::kF32;
    case LlmTestMix::kF16:
      return BlockFormat::kF16;
    case LlmTestMix::kQ8_0:
      return BlockFormat::kQ8_0;
    case LlmTestMix::kQ4_0:
      return BlockFormat::kQ4_0;
    case LlmTestMix::kQ4_K_M:
      break;
  }
  if (tensor == "output.weight") return BlockFormat::kQ6_K;
  int64_t layer = -1;
  if (tensor.starts_with("blk.")) {
    layer = 0;
    for (size_t i = 4; i < tensor.size() && tensor[i] >= '0' && tensor[i] <= '9'; ++i)
      layer = layer * 10 + (tensor[i] - '0');
  }
  const auto use_more_bits = [](int64_t i, int64_t n) {
    return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
  };
  if (layer >= 0 && (tensor.ends_with(".attn_v.weight") || tensor.ends_with(".ffn_down.weight")) &&
      use_more_bits(layer, n_layer))
    return BlockFormat::kQ6_K;
  return BlockFormat::kQ4_K;
}

Result<std::vector<uint8_t>> build_llm_test_model(std::string_view name,
                                                  const std::string& tests_dir,
                                                  int64_t first_layers) {
  const LlmTestModelSpec* spec = find_llm_test_model_spec(name);
  if (!spec) return make_error(StatusCode::kNotFound, "no LLM test model spec named '", name, "'");

  // The hyperparameters, and for stories260K its weights.
  LlmConfig c;
  std::shared_ptr<MappedFile> checkpoint;
  LlmWeights trained;
  if (spec->weights == LlmTestWeights::kStories260K) {
    ODIN_ASSIGN_OR_RETURN(checkpoint, MappedFile::open(tests_dir + "/data/llm/stories260K.bin"));
    ODIN_ASSIGN_OR_RETURN(trained, read_llama2c(checkpoint->bytes(), checkpoint->path()));
    c = trained.config;
  } else {
    c.architecture = spec->architecture;
    c.n_embd = spec->n_embd;
    c.n_ff = spec->n_ff;
    c.n_layer = spec->n_layer;
    c.n_head = spec->n_head;
    c.n_head_kv = spec->n_head_kv;
    c.head_dim = spec->head_dim ? spec->head_dim : spec->n_embd / spec->n_head;
    c.n_ctx_train = spec->n_ctx;
    c.rope_freq_base = spec->rope_freq_base;
    c.rms_norm_eps = spec->rms_norm_eps;
    c.tied_output = spec->tied_output;
    c.qkv_bias = c.architecture == "qwen2";
    c.qk_norm = c.architecture == "qwen3";
    c.n_vocab = spec->vocab == LlmTestVocab::kLlamaSpm ? 32000 : 151936;
    c.kv_lora_rank = spec->kv_lora_rank;
    c.rope_dim = spec->rope_dim;
    c.head_dim_v = spec->head_dim_v;
  }
  // A draft: the first layers, every other tensor as the full model has it.
  const int64_t all_layers = c.n_layer;
  if (first_layers > 0) c.n_layer = std::min(c.n_layer, first_layers);

  GgufBuilder b;
  const std::string a = c.architecture + ".";
  const auto u32 = [](int64_t v) { return static_cast<uint32_t>(v); };
  b.str("general.architecture", c.architecture)
      .str("general.name", std::string("odin-test-") + spec->name)
      .u32("general.file_type", llama_ftype_of(spec->mix))
      .u32("general.quantization_version", 2)
      .u32(a + "vocab_size", u32(c.n_vocab))
      .u32(a + "context_length", u32(c.n_ctx_train))
      .u32(a + "embedding_length", u32(c.n_embd))
      .u32(a + "block_count", u32(c.n_layer))
      .u32(a + "feed_forward_length", u32(c.n_ff))
      .u32(a + "rope.dimension_count", u32(c.latent_attention() ? c.rope_dim : c.head_dim))
      .u32(a + "attention.head_count", u32(c.n_head))
      .u32(a + "attention.head_count_kv", u32(c.n_head_kv))
      .f32(a + "attention.layer_norm_rms_epsilon", c.rms_norm_eps)
      .f32(a + "rope.freq_base", c.rope_freq_base);
  if (c.latent_attention())  // plm's converter: Q/K and V head sizes, the latent's rank
    b.u32(a + "attention.key_length", u32(c.head_dim))
        .u32(a + "attention.value_length", u32(c.head_dim_v))
        .u32(a + "attention.kv_lora_rank", u32(c.kv_lora_rank));
  if (c.qk_norm)  // qwen3's converter writes the head size (HF head_dim)
    b.u32(a + "attention.key_length", u32(c.head_dim))
        .u32(a + "attention.value_length", u32(c.head_dim));
  switch (spec->vocab) {
    case LlmTestVocab::kLlamaSpm:
      ODIN_RETURN_IF_ERROR(copy_vocab(tests_dir + "/data/vocab/ggml-vocab-llama-spm.gguf", b));
      break;
    case LlmTestVocab::kQwen2:
      ODIN_RETURN_IF_ERROR(copy_vocab(tests_dir + "/data/vocab/ggml-vocab-qwen2.gguf", b));
      break;
    case LlmTestVocab::kSynthetic512:
      synthetic_vocab(c.n_vocab, b);
      break;
  }

  // Tensors in the order llama.cpp's converters write them; each random one
  // from its own stream, keyed by the architecture and its name (so the
  // llama specs hold the same weights in different encodings).
  std::vector<float> values;
  for (const ExpectedTensor& t : expected_llm_tensors(c)) {
    int64_t n = 1;
    for (int64_t d : t.dims) n *= d;
    values.resize(static_cast<size_t>(n));
    if (spec->weights == LlmTestWeights::kStories260K) {
      const LlmTensor* w = trained.find(t.name);
      if (!w || w->format != BlockFormat::kF32 || w->data.size() != values.size() * 4)
        return make_error(StatusCode::kInternal, "stories260K: no F32 tensor '", t.name, "'");
      std::memcpy(values.data(), w->data.data(), w->data.size());
    } else {
      // Norm weights 1 +- 0.02, but output_norm's are kOutputGain times that:
      // it scales the logits only (greedy ids do not change), so that
      // llama.cpp's near ties (top two within 0.1) are the rare real ones.
      const uint64_t key = splitmix64(fnv1a64(c.architecture + "/" + t.name) ^ kSeed);
      const float mean = t.name == "output_norm.weight"    ? kOutputGain
                         : t.name.ends_with("norm.weight") ? 1.0f
                                                           : 0.0f;
      fill_random(key, 0.02f * (mean == 0.0f ? 1.0f : mean), mean, values);
    }
    const BlockFormat f = llm_test_tensor_format(*spec, t.name, all_layers);
    if (block_row_bytes(f, t.dims[0]) < 0)
      return make_error(StatusCode::kInternal, spec->name, ": tensor '", t.name, "' rows of ",
                        t.dims[0], " are not whole ", block_format_info(f).name, " blocks");
    b.tensor(t.name, std::vector<uint64_t>(t.dims.begin(), t.dims.end()), ggml_type_of(f),
             encode(f, values));
  }
  return b.build();
}

Status write_llm_test_model(std::string_view name, const std::string& tests_dir,
                            const std::string& path, int64_t first_layers) {
  ODIN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes,
                        build_llm_test_model(name, tests_dir, first_layers));
  // Written beside and renamed, so a reader never sees half a file.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) return make_error(StatusCode::kIo, "cannot write ", tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return make_error(StatusCode::kIo, "cannot rename ", tmp, " to ", path);
  return Status();
}

Result<std::string> write_temp_llm_test_model(std::string_view name, const std::string& tests_dir,
                                              int64_t first_layers) {
  static std::atomic<int> serial{0};
  const std::string path =
      (std::filesystem::temp_directory_path() /
       str_cat("odin_test_", ::getpid(), "_", serial++, "_", name, "_", first_layers, ".gguf"))
          .string();
  ODIN_RETURN_IF_ERROR(write_llm_test_model(name, tests_dir, path, first_layers));
  return path;
}

std::string sha256_hex(std::span<const uint8_t> bytes) {
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  size_t i = 0;
  for (; i + 64 <= bytes.size(); i += 64) sha256_block(h, bytes.data() + i);
  // The tail, a 1 bit, zeros and the length in bits (big-endian).
  uint8_t last[128] = {};
  const size_t tail = bytes.size() - i;
  if (tail) std::memcpy(last, bytes.data() + i, tail);
  last[tail] = 0x80;
  const size_t blocks = tail + 1 + 8 <= 64 ? 1 : 2;
  const uint64_t bits = uint64_t{bytes.size()} * 8;
  for (int k = 0; k < 8; ++k) last[blocks * 64 - 1 - k] = static_cast<uint8_t>(bits >> (8 * k));
  for (size_t k = 0; k < blocks; ++k) sha256_block(h, last + 64 * k);
  std::string hex;
  char digits[9];
  for (uint32_t v : h) {
    std::snprintf(digits, sizeof digits, "%08x", v);
    hex += digits;
  }
  return hex;
}

}  // namespace odin::test
