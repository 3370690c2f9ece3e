// odin's own model format (.odin): converting GGUF and llama2.c files keeps
// every tensor, the vocabulary and the chat template, and the stored graph
// gives bit-identical logits; hostile files (truncated, bit-flipped, fields
// pointing out of range) are clear errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "format/odin/odin_model_generated.h"
#include "format/odin/odin_reader.h"
#include "format/odin/odin_writer.h"
#include "llm/llm_context.h"
#include "llm/odin_convert.h"
#include "llm_test_models.h"
#include "test_util.h"

namespace odin::test {
namespace {

namespace fb = model_fb;

// Per process: a file mapped here must not be rewritten by another run of
// the same test (a mapping whose file shrinks faults).
std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("odin_test_odinfmt_" + std::to_string(getpid()) + "_" + name))
      .string();
}

// Removes the file when the test ends.
struct TempFile {
  explicit TempFile(const std::string& name) : path(temp_path(name)) {}
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::unique_ptr<LlmModel> open_model(const std::string& path, const LlmGraphOptions& options) {
  auto m = LlmModel::open(path, options);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m).value() : nullptr;
}

// Logits after 5 prompt tokens, then after each of 3 single tokens.
std::vector<std::vector<float>> run_logits(const LlmModel& model) {
  SessionOptions so;
  so.backends = {"cpu"};
  auto ctx = LlmContext::create(model, so);
  EXPECT_TRUE(ctx.ok()) << ctx.status().message();
  if (!ctx.ok()) return {};
  std::vector<std::vector<float>> out;
  const std::vector<int32_t> prompt = {1, 17, 300, 42, 9};
  auto logits = (*ctx)->eval(prompt);
  EXPECT_TRUE(logits.ok()) << logits.status().message();
  if (!logits.ok()) return out;
  out.emplace_back(logits->begin(), logits->end());
  for (int32_t id : {5, 250, 77}) {
    const int32_t one[] = {id};
    logits = (*ctx)->eval(one);
    EXPECT_TRUE(logits.ok()) << logits.status().message();
    if (!logits.ok()) return out;
    out.emplace_back(logits->begin(), logits->end());
  }
  return out;
}

void expect_bit_identical(const std::vector<std::vector<float>>& a,
                          const std::vector<std::vector<float>>& b) {
  ASSERT_EQ(a.size(), 4u);
  ASSERT_EQ(a.size(), b.size());
  for (size_t step = 0; step < a.size(); ++step) {
    ASSERT_EQ(a[step].size(), b[step].size());
    EXPECT_EQ(std::memcmp(a[step].data(), b[step].data(), a[step].size() * sizeof(float)), 0)
        << "logits differ at step " << step;
  }
}

void expect_same_vocab(const Vocab& a, const Vocab& b) {
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.pieces, b.pieces);
  EXPECT_EQ(a.scores, b.scores);
  EXPECT_EQ(a.types, b.types);
  EXPECT_EQ(a.merges, b.merges);
  EXPECT_EQ(a.pre, b.pre);
  EXPECT_EQ(a.bos, b.bos);
  EXPECT_EQ(a.eos, b.eos);
  EXPECT_EQ(a.unk, b.unk);
  EXPECT_EQ(a.add_bos, b.add_bos);
  EXPECT_EQ(a.add_space_prefix, b.add_space_prefix);
}

// Everything the source file held is in the .odin, each tensor 64-byte
// aligned in the file and byte-identical.
void expect_same_file(const LlmFile& src, const LlmFile& odin) {
  const LlmConfig &a = src.weights.config, &b = odin.weights.config;
  EXPECT_EQ(a.architecture, b.architecture);
  EXPECT_EQ(a.n_embd, b.n_embd);
  EXPECT_EQ(a.n_ff, b.n_ff);
  EXPECT_EQ(a.n_layer, b.n_layer);
  EXPECT_EQ(a.n_head, b.n_head);
  EXPECT_EQ(a.n_head_kv, b.n_head_kv);
  EXPECT_EQ(a.head_dim, b.head_dim);
  EXPECT_EQ(a.n_vocab, b.n_vocab);
  EXPECT_EQ(a.n_ctx_train, b.n_ctx_train);
  EXPECT_EQ(a.rope_freq_base, b.rope_freq_base);
  EXPECT_EQ(a.rms_norm_eps, b.rms_norm_eps);
  EXPECT_EQ(a.tied_output, b.tied_output);
  EXPECT_EQ(a.qkv_bias, b.qkv_bias);
  EXPECT_EQ(a.qk_norm, b.qk_norm);
  ASSERT_EQ(src.weights.tensors.size(), odin.weights.tensors.size());
  const uint8_t* base = odin.map->bytes().data();
  for (size_t i = 0; i < src.weights.tensors.size(); ++i) {
    const LlmTensor &s = src.weights.tensors[i], &o = odin.weights.tensors[i];
    EXPECT_EQ(s.name, o.name);
    EXPECT_EQ(s.format, o.format) << s.name;
    EXPECT_EQ(s.dims, o.dims) << s.name;
    ASSERT_EQ(s.data.size(), o.data.size()) << s.name;
    EXPECT_EQ(std::memcmp(s.data.data(), o.data.data(), s.data.size()), 0) << s.name;
    EXPECT_EQ((o.data.data() - base) % 64, 0) << s.name;
  }
  ASSERT_EQ(src.vocab.has_value(), odin.vocab.has_value());
  if (src.vocab) expect_same_vocab(*src.vocab, *odin.vocab);
  EXPECT_EQ(src.chat_template, odin.chat_template);
}

// Converts `source` and checks the .odin against it: the same contents,
// and bit-identical logits from the stored graph and from a graph rebuilt
// for another context.
void check_conversion(const std::string& source, const std::string& name) {
  TempFile out(name + ".odin");
  LlmGraphOptions options;
  options.n_ctx = 64;
  options.max_batch = 8;
  auto conv = convert_to_odin(source, out.path, options);
  ASSERT_TRUE(conv.ok()) << conv.status().message();
  EXPECT_EQ(conv->graph.n_ctx, 64);

  auto src_file = open_llm_file(source, true);
  auto odin_file = open_llm_file(out.path, true);
  ASSERT_TRUE(src_file.ok()) << src_file.status().message();
  ASSERT_TRUE(odin_file.ok()) << odin_file.status().message();
  EXPECT_EQ((*odin_file)->container, "odin v1 (from " + (*src_file)->container + ")");
  expect_same_file(**src_file, **odin_file);
  ASSERT_TRUE((*odin_file)->graph);
  EXPECT_EQ((*odin_file)->graph->n_ctx, 64);
  EXPECT_EQ((*odin_file)->graph->max_batch, 8);

  auto src_model = open_model(source, options);
  LlmGraphOptions file_context = options;
  file_context.n_ctx = 0;  // the .odin's own: 64
  auto odin_model = open_model(out.path, file_context);
  ASSERT_TRUE(src_model && odin_model);
  EXPECT_TRUE(odin_model->graph_from_file);
  EXPECT_EQ(odin_model->info.n_ctx, src_model->info.n_ctx);
  EXPECT_EQ(odin_model->info.max_batch, src_model->info.max_batch);
  EXPECT_EQ(odin_model->info.kv_cache_bytes, src_model->info.kv_cache_bytes);
  EXPECT_EQ(odin_model->graph.num_nodes(), src_model->graph.num_nodes());
  const auto want = run_logits(*src_model);
  expect_bit_identical(want, run_logits(*odin_model));

  // Another context: the graph is built from the stored weights instead.
  LlmGraphOptions other = options;
  other.n_ctx = 32;
  auto rebuilt = open_model(out.path, other);
  auto src_other = open_model(source, other);
  ASSERT_TRUE(rebuilt && src_other);
  EXPECT_FALSE(rebuilt->graph_from_file);
  EXPECT_EQ(rebuilt->info.n_ctx, 32);
  expect_bit_identical(run_logits(*src_other), run_logits(*rebuilt));
}

class OdinConvert : public testing::TestWithParam<std::string> {};

TEST_P(OdinConvert, StoredGraphGivesIdenticalLogits) {
  const std::string name = GetParam();
  TempFile gguf(name + ".gguf");
  const Status written = write_llm_test_model(name, std::string(ODIN_TEST_DATA_DIR), gguf.path);
  ASSERT_TRUE(written.ok()) << written.message();
  check_conversion(gguf.path, name);
}

INSTANTIATE_TEST_SUITE_P(Models, OdinConvert,
                         testing::Values("llama-q4_k_m", "qwen2-q8_0", "qwen3-q8_0",
                                         "stories260K-f32"),
                         [](const auto& info) { return param_name(info.param); });

TEST(OdinFormat, Llama2cCheckpointGivesIdenticalLogits) {
  check_conversion(data_path("data/llm/stories260K.bin"), "stories260K-llama2c");
}

// A vocabulary-only file with a chat template: written without weights or
// graph, read back identically; a model cannot be opened from it.
TEST(OdinFormat, VocabularyAndChatTemplateRoundTrip) {
  for (const char* vocab_file :
       {"data/vocab/ggml-vocab-qwen2.gguf", "data/vocab/ggml-vocab-llama-spm.gguf"}) {
    SCOPED_TRACE(vocab_file);
    auto src = open_llm_file(data_path(vocab_file), false);
    ASSERT_TRUE(src.ok()) << src.status().message();
    (*src)->chat_template = "{% for m in messages %}<|im_start|>{{ m.content }}{% endfor %}";
    TempFile out("vocab.odin");
    auto w = write_odin(out.path, **src, nullptr);
    ASSERT_TRUE(w.ok()) << w.status().message();
    EXPECT_EQ(w->tensors, 0u);
    EXPECT_EQ(w->vocab_size, (*src)->vocab->size());
    auto back = open_llm_file(out.path, false);
    ASSERT_TRUE(back.ok()) << back.status().message();
    expect_same_file(**src, **back);
    EXPECT_FALSE((*back)->graph);
    auto model = LlmModel::open(out.path, {});
    ASSERT_FALSE(model.ok());
    EXPECT_NE(model.status().message().find("holds no LLM weights"), std::string::npos)
        << model.status().message();
  }
}

// Everything stored comes back: writing what was read gives the same bytes.
// Attributes and quantization the builder leaves at their defaults are set
// first, so they are covered too.
TEST(OdinFormat, WritingWhatWasReadGivesTheSameBytes) {
  LlmGraphOptions options;
  options.n_ctx = 16;
  auto model = LlmModel::open(data_path("data/llm/stories260K.bin"), options);
  ASSERT_TRUE(model.ok()) << model.status().message();
  StoredLlmGraph stored{(*model)->graph, 16, 16, DType::kF16};
  Graph& g = stored.graph;
  NodeId add = -1;
  for (size_t n = 0; n < g.num_nodes() && add < 0; ++n)
    if (g.node(static_cast<NodeId>(n)).op == OpType::kAdd) add = static_cast<NodeId>(n);
  ASSERT_GE(add, 0);
  BinaryAttrs padded;
  padded.activation = Activation::kRelu6;
  padded.operand_pad = {1, {0, 0, 0, 1}, {0, 0, 2, 0}};
  g.node(add).attrs = padded;
  const ValueId embd = g.node(0).outputs[0];
  g.value(embd).quant = QuantParams{{0.5f}, {3}, 0};

  TempFile first("first.odin"), second("second.odin");
  ASSERT_TRUE(write_odin(first.path, *(*model)->file, &stored).ok());
  auto file = open_llm_file(first.path, true);
  ASSERT_TRUE(file.ok()) << file.status().message();
  ASSERT_TRUE((*file)->graph);
  const Graph& back = (*file)->graph->graph;
  const auto* attrs = std::get_if<BinaryAttrs>(&back.node(add).attrs);
  ASSERT_TRUE(attrs);
  EXPECT_EQ(attrs->activation, Activation::kRelu6);
  EXPECT_EQ(attrs->operand_pad, padded.operand_pad);
  ASSERT_TRUE(back.value(embd).quant);
  EXPECT_EQ(back.value(embd).quant->scales, std::vector<float>{0.5f});
  EXPECT_EQ(back.value(embd).quant->zero_points, std::vector<int64_t>{3});
  for (size_t v = 0; v < g.num_values(); ++v) {
    const Value &a = g.value(static_cast<ValueId>(v)), &b = back.value(static_cast<ValueId>(v));
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.dtype, b.dtype) << a.name;
    EXPECT_EQ(a.shape.str(), b.shape.str()) << a.name;
    EXPECT_EQ(a.persistent, b.persistent) << a.name;
    EXPECT_EQ(a.is_constant(), b.is_constant()) << a.name;
  }

  (*file)->container = "llama2.c";  // what the first file was made from
  ASSERT_TRUE(write_odin(second.path, **file, &*(*file)->graph).ok());
  EXPECT_EQ(read_file(first.path), read_file(second.path));
}

// RESHAPE's new shape (qwen3's per-head Q/K norm views) is stored as
// written; a rank no tensor can have is refused when read.
TEST(OdinFormat, ReshapeAttributesRoundTripAndBadRanksAreRefused) {
  auto model = LlmModel::open(data_path("data/llm/stories260K.bin"), {});
  ASSERT_TRUE(model.ok()) << model.status().message();
  LlmModel& m = **model;
  TempFile out("reshape.odin");
  const auto read_back = [&](std::vector<int32_t> dims) {
    StoredLlmGraph stored{m.graph, m.info.n_ctx, m.info.max_batch, DType::kF16};
    stored.graph.node(3).attrs = ReshapeAttrs{std::move(dims), true};
    EXPECT_TRUE(write_odin(out.path, *m.file, &stored).ok());
    return open_llm_file(out.path, true);
  };
  auto file = read_back({-1, 8, 8});
  ASSERT_TRUE(file.ok()) << file.status().message();
  const auto* a = std::get_if<ReshapeAttrs>(&(*file)->graph->graph.node(3).attrs);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->has_new_shape);
  EXPECT_EQ(a->new_shape, (std::vector<int32_t>{-1, 8, 8}));
  file = read_back(std::vector<int32_t>(9, 1));
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("reshape to rank 9 (at most 8)"), std::string::npos)
      << file.status().message();
}

// --- the writer's refusals ----------------------------------------------

TEST(OdinFormat, WriterRefusesWhatItCannotStore) {
  auto model = LlmModel::open(data_path("data/llm/stories260K.bin"), {});
  ASSERT_TRUE(model.ok()) << model.status().message();
  LlmModel& m = **model;
  StoredLlmGraph stored{m.graph, m.info.n_ctx, m.info.max_batch, DType::kF16};
  TempFile out("refused.odin");
  ASSERT_TRUE(write_odin(out.path, *m.file, &stored).ok());

  // Attributes of a kind the format has no table for: the error names the node.
  StoredLlmGraph softmax = stored;
  softmax.graph.node(3).attrs = SoftmaxAttrs{};
  auto w = write_odin(out.path, *m.file, &softmax);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find(softmax.graph.describe_node(3)), std::string::npos)
      << w.status().message();
  EXPECT_NE(w.status().message().find("cannot store its attributes"), std::string::npos)
      << w.status().message();

  // A constant whose bytes are not one of the weights.
  StoredLlmGraph owned = stored;
  ValueId constant = kNoValue;
  for (size_t v = 0; v < owned.graph.num_values(); ++v)
    if (owned.graph.value(static_cast<ValueId>(v)).is_constant())
      constant = static_cast<ValueId>(v);
  ASSERT_NE(constant, kNoValue);
  Value& c = owned.graph.value(constant);
  c.data = owned.graph.own_bytes(std::vector<uint8_t>(c.bytes().begin(), c.bytes().end()));
  w = write_odin(out.path, *m.file, &owned);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("not one of the model's tensors"), std::string::npos)
      << w.status().message();

  // 4-bit values (TFLite's INT4 weights), which the format does not flag.
  StoredLlmGraph four_bit = stored;
  four_bit.graph.value(four_bit.graph.node(0).outputs[0]).quant = QuantParams{{0.5f}, {0}, 0, 4};
  w = write_odin(out.path, *m.file, &four_bit);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("4-bit values have no .odin form"), std::string::npos)
      << w.status().message();

  // Nothing at all.
  LlmFile empty;
  EXPECT_FALSE(write_odin(out.path, empty, nullptr).ok());
  EXPECT_FALSE(write_odin("/nonexistent-dir/x.odin", *m.file, &stored).ok());
}

// --- hostile files --------------------------------------------------------

// A small but complete .odin (stories260K-f32: weights, a 512-piece
// vocabulary and the graph) in memory.
const std::vector<uint8_t>& valid_odin() {
  static const std::vector<uint8_t> bytes = [] {
    TempFile gguf("hostile_src.gguf");
    TempFile out("hostile.odin");
    const Status s = write_llm_test_model("stories260K-f32", ODIN_TEST_DATA_DIR, gguf.path);
    EXPECT_TRUE(s.ok()) << s.message();
    LlmGraphOptions options;
    options.n_ctx = 16;
    options.max_batch = 4;
    auto conv = convert_to_odin(gguf.path, out.path, options);
    EXPECT_TRUE(conv.ok()) << conv.status().message();
    return read_file(out.path);
  }();
  return bytes;
}

// The read_odin error for `bytes` (copied so ASan sees the exact size), or
// "(parsed)".
std::string read_error(const std::vector<uint8_t>& bytes) {
  const std::vector<uint8_t> copy(bytes);
  auto r = read_odin(copy, nullptr, "m.odin", true);
  return r.ok() ? std::string("(parsed)") : r.status().message();
}

// The offset in the file of a table's scalar field (every field is written:
// the writer forces defaults).
size_t field_at(const std::vector<uint8_t>& bytes, const void* table,
                flatbuffers::voffset_t field) {
  const uint8_t* p = reinterpret_cast<const flatbuffers::Table*>(table)->GetAddressOf(field);
  EXPECT_NE(p, nullptr);
  return static_cast<size_t>(p - bytes.data());
}

template <typename T>
std::vector<uint8_t> patched(const std::vector<uint8_t>& bytes, size_t at, T value) {
  std::vector<uint8_t> out = bytes;
  std::memcpy(out.data() + at, &value, sizeof value);
  return out;
}

TEST(OdinHostile, ValidFileParses) {
  const auto& bytes = valid_odin();
  ASSERT_GT(bytes.size(), 1000u);
  EXPECT_TRUE(is_odin(bytes));
  EXPECT_EQ(read_error(bytes), "(parsed)");
}

TEST(OdinHostile, EveryTruncationIsACleanError) {
  const auto& bytes = valid_odin();
  std::vector<size_t> lengths;
  for (size_t n = 0; n < 256; ++n) lengths.push_back(n);
  for (size_t n = 256; n < bytes.size(); n += 509) lengths.push_back(n);
  for (size_t n = bytes.size() - 64; n < bytes.size(); ++n) lengths.push_back(n);
  for (size_t n : lengths) {
    const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_NE(read_error(cut), "(parsed)") << n << " bytes";
  }
}

TEST(OdinHostile, BitFlipsNeverCrash) {
  const auto& bytes = valid_odin();
  const uint32_t meta = static_cast<uint32_t>(bytes[0]) | bytes[1] << 8 | bytes[2] << 16 |
                        static_cast<uint32_t>(bytes[3]) << 24;
  size_t parsed = 0, ran = 0;
  TempFile file("flipped.odin");
  std::vector<uint8_t> flipped = bytes;  // one copy, each flip undone after
  // Every 13th byte of the metadata, a low and a high bit (about 4600
  // files: seconds here, half a minute under ASan).
  for (size_t at = 0; at < meta + 4u; at += 13) {
    for (int bit : {0, 5}) {
      const uint8_t mask = static_cast<uint8_t>(1u << bit);
      flipped[at] ^= mask;
      auto r = read_odin(flipped, nullptr, "m.odin", true);
      EXPECT_TRUE(r.ok() || !r.status().message().empty());
      // What parses runs too, for some: errors are fine, crashes are not.
      if (r.ok() && ++parsed % 16 == 0) {
        write_bytes(file.path, flipped);
        LlmGraphOptions options;
        options.n_ctx = 16;
        options.max_batch = 4;
        auto model = LlmModel::open(file.path, options);
        SessionOptions so;
        so.backends = {"cpu"};
        auto ctx = model.ok() ? LlmContext::create(**model, so)
                              : Result<std::unique_ptr<LlmContext>>(model.status());
        const int32_t ids[] = {1, 2, 3};
        if (ctx.ok() && (*ctx)->eval(ids).ok()) ++ran;
      }
      flipped[at] ^= mask;
    }
  }
  // Most flips land in strings, scores and padding and still parse.
  EXPECT_GT(parsed, 0u);
  EXPECT_GT(ran, 0u);
}

class OdinPatch : public testing::Test {
 protected:
  void SetUp() override {
    bytes = valid_odin();
    model = fb::GetSizePrefixedModel(bytes.data());
  }
  void expect_error(const std::vector<uint8_t>& file, const std::string& part) {
    const std::string e = read_error(file);
    EXPECT_NE(e.find(part), std::string::npos) << e;
  }
  std::vector<uint8_t> bytes;
  const fb::Model* model = nullptr;
};

TEST_F(OdinPatch, TensorOffsetsSizesAndDtypes) {
  const fb::Tensor* t = model->tensors()->Get(1);
  const size_t offset = field_at(bytes, t, fb::Tensor::VT_OFFSET);
  const size_t size = field_at(bytes, t, fb::Tensor::VT_SIZE);
  const size_t dtype = field_at(bytes, t, fb::Tensor::VT_DTYPE);
  expect_error(patched<uint64_t>(bytes, offset, t->offset() + 4), "is not a multiple of 64");
  expect_error(patched<uint64_t>(bytes, offset, bytes.size()), "outside the data section");
  expect_error(patched<uint64_t>(bytes, offset, ~uint64_t{63}), "outside the data section");
  expect_error(patched<uint64_t>(bytes, offset, 0), "outside the data section");
  expect_error(patched<uint64_t>(bytes, size, t->size() + 1), "needs");
  expect_error(patched<uint64_t>(bytes, size, ~uint64_t{0}), "needs");
  expect_error(patched<uint8_t>(bytes, dtype, static_cast<uint8_t>(fb::DataType::F16)), "needs");
  expect_error(patched<uint8_t>(bytes, dtype, static_cast<uint8_t>(fb::DataType::Q4_K)),
               "not whole blocks");
  expect_error(patched<uint8_t>(bytes, dtype, 200), "unknown dtype 200");
  const uint8_t* dim = reinterpret_cast<const uint8_t*>(t->dims()->data());
  expect_error(patched<int64_t>(bytes, static_cast<size_t>(dim - bytes.data()), -5),
               "negative dimension");
  expect_error(patched<int64_t>(bytes, static_cast<size_t>(dim - bytes.data()), int64_t{1} << 62),
               "too large");
}

TEST_F(OdinPatch, HeaderVersionAndConfig) {
  expect_error(patched<uint32_t>(bytes, 0, static_cast<uint32_t>(bytes.size())), "truncated");
  std::vector<uint8_t> not_odin = bytes;
  not_odin[11] = 'X';
  EXPECT_FALSE(is_odin(not_odin));
  expect_error(not_odin, "not a .odin file");
  expect_error(patched<uint32_t>(bytes, field_at(bytes, model, fb::Model::VT_VERSION), 2),
               "format version 2");
  const fb::LlmConfig* c = model->config();
  expect_error(patched<int64_t>(bytes, field_at(bytes, c, fb::LlmConfig::VT_N_LAYER), 9),
               "is missing");
  // Refused before the list of 12 tensors a layer is made for them all.
  expect_error(
      patched<int64_t>(bytes, field_at(bytes, c, fb::LlmConfig::VT_N_LAYER), int64_t{1} << 24),
      "16777216 layers, but the file has only 47 tensors");
  expect_error(patched<int64_t>(bytes, field_at(bytes, c, fb::LlmConfig::VT_N_HEAD_KV), 3),
               "KV heads");
  expect_error(patched<float>(bytes, field_at(bytes, c, fb::LlmConfig::VT_RMS_NORM_EPS), -1.0f),
               "not a positive number");
}

TEST_F(OdinPatch, VocabularyFields) {
  const fb::Vocab* v = model->vocab();
  ASSERT_TRUE(v);
  expect_error(patched<int32_t>(bytes, field_at(bytes, v, fb::Vocab::VT_BOS), 100000),
               "outside the vocabulary");
  expect_error(patched<uint8_t>(bytes, field_at(bytes, v, fb::Vocab::VT_MODEL), 7),
               "unknown tokenizer model");
  const uint8_t* type = v->token_types()->data();
  expect_error(patched<uint8_t>(bytes, static_cast<size_t>(type - bytes.data()), 9),
               "token type 9");
}

TEST_F(OdinPatch, GraphIndicesOpsAndBuild) {
  const fb::Graph* g = model->graph();
  ASSERT_TRUE(g);
  // A constant's tensor index, and its dtype and shape against the tensor.
  const fb::Value* constant = nullptr;
  for (const fb::Value* v : *g->values())
    if (v->tensor() >= 0) constant = v;
  ASSERT_TRUE(constant);
  const size_t tensor = field_at(bytes, constant, fb::Value::VT_TENSOR);
  expect_error(patched<int32_t>(bytes, tensor, 9999), "out of range");
  expect_error(patched<int32_t>(bytes, tensor, -7), "out of range");
  expect_error(patched<uint8_t>(bytes, field_at(bytes, constant, fb::Value::VT_DTYPE),
                                static_cast<uint8_t>(fb::DataType::I32)),
               "but tensor");
  const uint8_t* dim = reinterpret_cast<const uint8_t*>(constant->shape()->data());
  expect_error(patched<int64_t>(bytes, static_cast<size_t>(dim - bytes.data()), 3), "needs");
  expect_error(patched<uint8_t>(bytes, field_at(bytes, constant, fb::Value::VT_PERSISTENT), 1),
               "cannot be persistent");
  // Node inputs, outputs and op names.
  const fb::Node* node = g->nodes()->Get(2);
  const uint8_t* in = reinterpret_cast<const uint8_t*>(node->inputs()->data());
  expect_error(patched<int32_t>(bytes, static_cast<size_t>(in - bytes.data()), 99999),
               "out of range");
  const uint8_t* out = reinterpret_cast<const uint8_t*>(node->outputs()->data());
  expect_error(patched<int32_t>(bytes, static_cast<size_t>(out - bytes.data()), -1),
               "out of range");
  // An output that is also an earlier value: Graph::validate.
  expect_error(patched<int32_t>(bytes, static_cast<size_t>(out - bytes.data()), 0),
               "written twice");
  const uint8_t* op = reinterpret_cast<const uint8_t*>(node->op()->data());
  expect_error(patched<char>(bytes, static_cast<size_t>(op - bytes.data()), 'Z'), "unknown op");
  expect_error(patched<uint8_t>(bytes, field_at(bytes, node, fb::Node::VT_ATTRS_TYPE), 99),
               "unknown attribute kind 99");
  const uint8_t* graph_in = reinterpret_cast<const uint8_t*>(g->inputs()->data());
  expect_error(patched<int32_t>(bytes, static_cast<size_t>(graph_in - bytes.data()), 5000),
               "out of range");
  // The build options and the dim symbol.
  expect_error(patched<int64_t>(bytes, field_at(bytes, g, fb::Graph::VT_N_CTX), 0),
               "not a valid build");
  expect_error(patched<int64_t>(bytes, field_at(bytes, g, fb::Graph::VT_MAX_BATCH), 17),
               "not a valid build");
  expect_error(patched<uint8_t>(bytes, field_at(bytes, g, fb::Graph::VT_KV_DTYPE),
                                static_cast<uint8_t>(fb::DataType::Q8_0)),
               "not a valid build");
  expect_error(
      patched<int64_t>(bytes, field_at(bytes, g->dim_symbols()->Get(0), fb::DimSymbol::VT_MAX), 0),
      "has maximum 0");
}

// Graphs that parse but do not fit what LlmContext drives: refused when the
// model opens or its session is made, never a crash.
TEST_F(OdinPatch, StoredGraphThatDoesNotFitIsRefusedAtOpen) {
  const fb::Graph* g = model->graph();
  const fb::Value* tokens =
      g->values()->Get(static_cast<flatbuffers::uoffset_t>(g->inputs()->Get(0)));
  TempFile file("misfit.odin");
  LlmGraphOptions options;
  options.n_ctx = 16;
  options.max_batch = 4;
  auto open_error = [&](const std::vector<uint8_t>& mutant) {
    write_bytes(file.path, mutant);
    auto m = LlmModel::open(file.path, options);
    if (!m.ok()) return m.status().message();
    SessionOptions so;
    so.backends = {"cpu"};
    auto ctx = LlmContext::create(**m, so);
    return ctx.ok() ? std::string("(opened)") : ctx.status().message();
  };
  EXPECT_EQ(open_error(bytes), "(opened)");
  // tokens as float32: not the interface.
  std::string e = open_error(patched<uint8_t>(bytes, field_at(bytes, tokens, fb::Value::VT_DTYPE),
                                              static_cast<uint8_t>(fb::DataType::F32)));
  EXPECT_NE(e.find("not int32 [seq]"), std::string::npos) << e;
  // The graph's output swapped for another value: the logits check.
  const uint8_t* graph_out = reinterpret_cast<const uint8_t*>(g->outputs()->data());
  const int32_t other = g->nodes()->Get(0)->outputs()->Get(0);
  e = open_error(patched<int32_t>(bytes, static_cast<size_t>(graph_out - bytes.data()), other));
  EXPECT_NE(e.find("logits"), std::string::npos) << e;
  // A KV cache far larger than memory: the session's arena limit refuses it.
  const fb::Value* cache = nullptr;
  for (const fb::Value* v : *g->values())
    if (v->persistent()) cache = v;
  ASSERT_TRUE(cache && cache->shape()->size() == 3);
  const uint8_t* rows = reinterpret_cast<const uint8_t*>(cache->shape()->data()) + 8;
  e = open_error(
      patched<int64_t>(bytes, static_cast<size_t>(rows - bytes.data()), int64_t{1} << 36));
  EXPECT_NE(e, "(opened)");
}

}  // namespace
}  // namespace odin::test
