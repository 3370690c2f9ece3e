// The GGUF reader: metadata of every type and tensors read in place, and
// hostile files (truncated anywhere, huge counts and lengths, bad alignment,
// shapes, types and offsets) refused with an error naming the field.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "format/gguf/gguf_file.h"
#include "gguf_builder.h"
#include "test_util.h"

namespace odin::gguf {
namespace {

using test::GgufBuilder;

constexpr uint32_t kF32 = 0, kQ4_0 = 2, kQ8_0 = 8;

std::vector<uint8_t> bytes_of(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 7);
  return v;
}

GgufBuilder small_model() {
  GgufBuilder b;
  b.str("general.architecture", "llama")
      .u32("llama.block_count", 2)
      .i32("llama.context_length", 128)
      .f32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
      .boolean("tokenizer.ggml.add_bos_token", true)
      .u64("big", uint64_t{1} << 40)
      .f64("ratio", 0.25)
      .strings("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>", "hello"})
      .floats("tokenizer.ggml.scores", {0.0f, -1.5f, 2.0f, 3.25f})
      .ints("tokenizer.ggml.token_type", {2, 3, 3, 1})
      .tensor("token_embd.weight", {64, 4}, kQ8_0, bytes_of(4 * 2 * 34, 1))
      .tensor("output_norm.weight", {8}, kF32, bytes_of(32, 9))
      .tensor("blk.0.attn_q.weight", {32, 2}, kQ4_0, bytes_of(2 * 18, 3));
  return b;
}

std::string parse_error(const std::vector<uint8_t>& file) {
  auto f = GgufFile::parse(file, "m.gguf");
  return f.ok() ? std::string("(parsed)") : f.status().message();
}

TEST(GgufFile, ReadsMetadataOfEveryTypeAndTensorsInPlace) {
  const auto file = small_model().build();
  auto f = GgufFile::parse(file, "m.gguf");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->version(), 3u);
  EXPECT_EQ(f->alignment(), 32u);
  EXPECT_EQ(f->get_string("general.architecture").value(), "llama");
  EXPECT_EQ(f->get_uint("llama.block_count").value(), 2u);
  EXPECT_EQ(f->get_uint("llama.context_length").value(), 128u);
  EXPECT_FLOAT_EQ(
      static_cast<float>(f->get_float("llama.attention.layer_norm_rms_epsilon").value()), 1e-5f);
  EXPECT_EQ(f->find("tokenizer.ggml.add_bos_token")->u, 1u);
  EXPECT_EQ(f->get_uint("big").value(), uint64_t{1} << 40);
  EXPECT_DOUBLE_EQ(f->get_float("ratio").value(), 0.25);
  auto tokens = f->get_array("tokenizer.ggml.tokens", ValueType::kString);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ((*tokens)->strings.size(), 4u);
  EXPECT_EQ((*tokens)->strings[3], "hello");
  auto scores = f->get_array("tokenizer.ggml.scores", ValueType::kF32);
  ASSERT_TRUE(scores.ok());
  EXPECT_DOUBLE_EQ((*scores)->number_at(3), 3.25);
  EXPECT_EQ((*scores)->integer_at(1), -1);  // truncated toward zero
  auto types = f->get_array("tokenizer.ggml.token_type", ValueType::kI32);
  ASSERT_TRUE(types.ok());
  EXPECT_EQ((*types)->integer_at(1), 3);

  ASSERT_EQ(f->tensors().size(), 3u);
  const TensorEntry* q = f->find_tensor("blk.0.attn_q.weight");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->dims, (std::vector<int64_t>{32, 2}));
  EXPECT_EQ(q->num_elements(), 64);
  EXPECT_EQ(q->bytes, 36u);
  EXPECT_EQ(std::vector<uint8_t>(q->data.begin(), q->data.end()), bytes_of(36, 3));
  // In place: the tensor's bytes are the file's, at an aligned offset.
  EXPECT_GE(q->data.data(), file.data());
  EXPECT_EQ((q->data.data() - file.data() - f->data_offset()) % 32, 0);
  EXPECT_EQ(f->find_tensor("output_norm.weight")->bytes, 32u);
}

// Found by fuzz_gguf: a float too large for int64 read as an integer.
TEST(GgufFile, FloatsReadAsIntegersSaturate) {
  GgufBuilder b;
  b.floats("f", {7.5e31f, -7.5e31f, std::numeric_limits<float>::quiet_NaN(), -2.75f});
  const auto file = b.build();
  auto f = GgufFile::parse(file, "m.gguf");
  ASSERT_TRUE(f.ok());
  const MetaArray* a = f->get_array("f", ValueType::kF32).value();
  EXPECT_EQ(a->integer_at(0), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(a->integer_at(1), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(a->integer_at(2), 0);
  EXPECT_EQ(a->integer_at(3), -2);
}

TEST(GgufFile, HonoursGeneralAlignmentAndVersion2) {
  GgufBuilder b(2);
  b.u32("general.alignment", 64)
      .tensor("a", {3}, kF32, bytes_of(12, 0))
      .tensor("b", {5}, kF32, bytes_of(20, 5));
  const auto file = b.build(64);
  auto f = GgufFile::parse(file, "m.gguf");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->alignment(), 64u);
  EXPECT_EQ(f->data_offset() % 64, 0u);
  EXPECT_EQ(f->find_tensor("b")->offset, 64u);
  EXPECT_EQ(
      std::vector<uint8_t>(f->find_tensor("b")->data.begin(), f->find_tensor("b")->data.end()),
      bytes_of(20, 5));
}

TEST(GgufFile, EveryTruncationIsACleanError) {
  const auto file = small_model().build();
  for (size_t n = 0; n < file.size(); ++n) {
    const std::vector<uint8_t> cut(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n));
    auto f = GgufFile::parse(cut, "cut.gguf");
    ASSERT_FALSE(f.ok()) << "a file cut to " << n << " of " << file.size() << " bytes parsed";
    EXPECT_EQ(f.status().message().rfind("cut.gguf: ", 0), 0u) << f.status().message();
  }
}

TEST(GgufFile, RefusesOtherFilesAndVersions) {
  auto file = small_model().build();
  auto bad_magic = file;
  bad_magic[0] = 'X';
  EXPECT_NE(parse_error(bad_magic).find("not a GGUF file"), std::string::npos);
  auto v1 = file;
  GgufBuilder::patch(v1, 4, uint32_t{1});
  auto f = GgufFile::parse(v1, "old.gguf");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(f.status().message().find("version 1"), std::string::npos);
}

TEST(GgufFile, HugeCountsAndLengthsAreRefusedBeforeAllocating) {
  const auto file = small_model().build();
  auto tensors = file;
  GgufBuilder::patch(tensors, GgufBuilder::kTensorCountOffset, uint64_t{1} << 60);
  EXPECT_NE(parse_error(tensors).find("tensor count"), std::string::npos);
  auto kvs = file;
  GgufBuilder::patch(kvs, GgufBuilder::kMetadataCountOffset, ~uint64_t{0});
  EXPECT_NE(parse_error(kvs).find("metadata count"), std::string::npos);
  auto key = file;
  GgufBuilder::patch(key, GgufBuilder::kFirstKeyOffset, uint64_t{1} << 62);
  EXPECT_NE(parse_error(key).find("runs past the end"), std::string::npos);

  GgufBuilder b;
  b.strings("tokenizer.ggml.tokens", {"a"});
  auto array = b.build();
  // key length, key, value type, element type, then the array length.
  const size_t count_at = GgufBuilder::kFirstKeyOffset + 8 + 21 + 4 + 4;
  GgufBuilder::patch(array, count_at, uint64_t{1} << 61);
  EXPECT_NE(parse_error(array).find("strings exceed the file"), std::string::npos);
}

TEST(GgufFile, RefusesBadMetadata) {
  GgufBuilder dup;
  dup.u32("k", 1).u32("k", 2);
  EXPECT_NE(parse_error(dup.build()).find("'k' appears twice"), std::string::npos);

  GgufBuilder nested;
  nested.ints("k", {1});
  auto n = nested.build();
  GgufBuilder::patch(n, GgufBuilder::kFirstKeyOffset + 8 + 1 + 4, uint32_t{9});  // element: array
  EXPECT_NE(parse_error(n).find("array of arrays"), std::string::npos);

  GgufBuilder type;
  type.u32("k", 1);
  auto t = type.build();
  GgufBuilder::patch(t, GgufBuilder::kFirstKeyOffset + 8 + 1, uint32_t{77});
  EXPECT_NE(parse_error(t).find("unknown value type 77"), std::string::npos);

  for (uint32_t alignment : {0u, 3u, 48u, 1u << 24}) {
    GgufBuilder a;
    a.u32("general.alignment", alignment);
    EXPECT_NE(parse_error(a.build()).find("general.alignment"), std::string::npos) << alignment;
  }
  GgufBuilder f32_alignment;
  f32_alignment.f32("general.alignment", 32);
  EXPECT_NE(parse_error(f32_alignment.build()).find("must be a u32"), std::string::npos);
}

TEST(GgufFile, RefusesBadTensors) {
  const auto one = [](std::vector<uint64_t> dims, uint32_t type, size_t bytes) {
    GgufBuilder b;
    b.tensor("w", std::move(dims), type, bytes_of(bytes, 0));
    return b.build();
  };
  EXPECT_NE(parse_error(one({}, kF32, 4)).find("0 dimensions"), std::string::npos);
  EXPECT_NE(parse_error(one({1, 1, 1, 1, 1}, kF32, 4)).find("5 dimensions"), std::string::npos);
  EXPECT_NE(parse_error(one({4, 0}, kF32, 0)).find("dimension 1 is 0"), std::string::npos);
  EXPECT_NE(
      parse_error(one({uint64_t{1} << 40, uint64_t{1} << 40}, kF32, 4)).find("too many elements"),
      std::string::npos);
  EXPECT_NE(parse_error(one({33}, kQ4_0, 18)).find("not whole Q4_0 blocks of 32"),
            std::string::npos);
  auto unknown = GgufFile::parse(one({4}, 99, 4), "m.gguf");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(unknown.status().message().find("ggml type 99"), std::string::npos);

  // The data runs past the end of the file / starts off the alignment.
  EXPECT_NE(parse_error(one({64}, kF32, 100)).find("outside the file"), std::string::npos);
  GgufBuilder two;
  two.tensor("a", {4}, kF32, bytes_of(16, 0)).tensor("b", {4}, kF32, bytes_of(16, 0));
  auto moved = two.build();
  // Where b's offset field sits: after a's name, rank, dim, type, offset.
  const size_t b_offset_at = 24 + (8 + 1 + 4 + 8 + 4 + 8) + (8 + 1 + 4 + 8 + 4);
  GgufBuilder::patch(moved, b_offset_at, uint64_t{33});
  EXPECT_NE(parse_error(moved).find("not a multiple of the alignment"), std::string::npos);
  GgufBuilder::patch(moved, b_offset_at, uint64_t{1} << 62);
  EXPECT_NE(parse_error(moved).find("outside the file"), std::string::npos);

  GgufBuilder dup;
  dup.tensor("w", {4}, kF32, bytes_of(16, 0)).tensor("w", {4}, kF32, bytes_of(16, 0));
  EXPECT_NE(parse_error(dup.build()).find("'w' appears twice"), std::string::npos);
}

TEST(GgufFile, GettersNameTheKeyAndTheExpectedType) {
  const auto file = small_model().build();
  auto f = GgufFile::parse(file, "m.gguf");
  ASSERT_TRUE(f.ok());
  EXPECT_NE(f->get_uint("llama.missing").status().message().find("'llama.missing' is missing"),
            std::string::npos);
  EXPECT_NE(f->get_uint("general.architecture").status().message().find("not string"),
            std::string::npos);
  EXPECT_NE(f->get_string("llama.block_count").status().message().find("should be a string"),
            std::string::npos);
  EXPECT_FALSE(f->get_array("tokenizer.ggml.tokens", ValueType::kF32).ok());
}

// tests/data/gguf comes from a second writer (tests/fuzz/make_gguf_seeds.py).
TEST(GgufFile, ReadsTheFilesOfThePythonWriter) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::data_path("data/gguf"))) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                     std::istreambuf_iterator<char>()};
    auto f = GgufFile::parse(bytes, entry.path().filename().string());
    ASSERT_TRUE(f.ok()) << f.status().message();
    for (const TensorEntry& t : f->tensors()) {
      ASSERT_FALSE(t.data.empty()) << t.name;
      EXPECT_EQ(t.data[0], 11) << t.name;  // the writer's byte pattern starts at 11
    }
    ++files;
  }
  EXPECT_EQ(files, 5);  // make_gguf_seeds.py writes five
  std::ifstream in(test::data_path("data/gguf/quant_mix.gguf"), std::ios::binary);
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                   std::istreambuf_iterator<char>()};
  auto f = GgufFile::parse(bytes, "quant_mix.gguf");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->find_tensor("blk.0.ffn_up.weight")->bytes, 144u);     // one Q4_K block
  EXPECT_EQ(f->find_tensor("blk.0.ffn_down.weight")->bytes, 210u);   // one Q6_K block
  EXPECT_EQ(f->find_tensor("blk.0.attn_q.weight")->bytes, 4u * 34);  // 4 rows of one Q8_0 block
}

// Block layouts of ggml's types (ggml-common.h: block_q4_0 is a half scale and
// 16 bytes of nibbles, block_q8_0 a half and 32 int8, block_q4_K two halves,
// 12 bytes of scales and 128 of nibbles, block_q6_K 128 + 64 + 16 + a half).
TEST(GgufFile, BlockLayoutsMatchGgml) {
  const struct {
    uint32_t id;
    int64_t elements, bytes;
  } kExpected[] = {{0, 1, 4},      {1, 1, 2},      {2, 32, 18}, {8, 32, 34},
                   {12, 256, 144}, {14, 256, 210}, {30, 1, 2}};
  for (const auto& e : kExpected) {
    const TensorTypeInfo* info = tensor_type_info(e.id);
    ASSERT_NE(info, nullptr) << e.id;
    EXPECT_EQ(info->block_elements, e.elements) << info->name;
    EXPECT_EQ(info->block_bytes, e.bytes) << info->name;
  }
  EXPECT_EQ(tensor_type_info(4), nullptr);  // removed from ggml (Q4_2)
}

// The types the quantization layer decodes have one layout: its own.
TEST(GgufFile, DecodableTypesAgreeWithTheQuantLayer) {
  int decodable = 0;
  for (uint32_t id = 0; id < 64; ++id) {
    const TensorTypeInfo* info = tensor_type_info(id);
    if (!info || !info->format) continue;
    ++decodable;
    const BlockFormatInfo& q = block_format_info(*info->format);
    EXPECT_STREQ(q.name, info->name);
    EXPECT_EQ(q.block_elements, info->block_elements) << info->name;
    EXPECT_EQ(q.block_bytes, info->block_bytes) << info->name;
  }
  EXPECT_EQ(decodable, 7);  // F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K
}

}  // namespace
}  // namespace odin::gguf
