// TFLite's INT4 constants: unpacked to int8 in [-8, 7] at import (low nibble
// first), packed again by the writer, refused when malformed.
#include <gtest/gtest.h>

#include <cstring>

#include "format/tflite/tflite_importer.h"
#include "format/tflite/tflite_writer.h"
#include "quant/int4.h"
#include "runtime/session.h"
#include "tflite_builder.h"

namespace odin {
namespace {

constexpr int8_t kInt4Type = 17;  // TensorType INT4 (tensorflow/lite/schema/schema.fbs)
constexpr int32_t kDequantize = 6;

// DEQUANTIZE(c) -> y: c an INT4 constant of `count` values, scale 0.5.
test::ModelSpec dequantize_int4_spec(std::vector<uint8_t> packed, int32_t count) {
  test::ModelSpec s;
  s.tensors = {{{count}, kInt4Type, 1, "c", {0.5f}, {0}}, {{count}, 0, 0, "y"}};
  s.buffers = {std::move(packed)};
  test::OpSpec op;
  op.builtin = kDequantize;
  op.inputs = {0};
  op.outputs = {1};
  s.ops = {op};
  s.outputs = {1};
  return s;
}

Result<Graph> import_bytes(std::vector<uint8_t> bytes) {
  auto storage = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
  return import_tflite(*storage, storage, "int4.tflite");
}

TEST(Int4, PackAndUnpackAreInverse) {
  const std::vector<int8_t> values = {-8, 7, 0, -1, 3};
  auto packed = pack_int4(values);
  ASSERT_TRUE(packed.has_value());
  // Low nibble first: 0x7 << 4 | 0x8, 0xF << 4 | 0x0, 0x3.
  EXPECT_EQ(*packed, (std::vector<uint8_t>{0x78, 0xF0, 0x03}));
  EXPECT_EQ(unpack_int4(*packed, values.size()), values);
  EXPECT_FALSE(pack_int4(std::vector<int8_t>{8}).has_value());
  EXPECT_FALSE(pack_int4(std::vector<int8_t>{-9}).has_value());
}

TEST(Int4, ImportedUnpackedRunAndWrittenBack) {
  // Values -8, 7, 1, -2, 5 (odd count: the last high nibble is padding).
  auto g = import_bytes(test::build_tflite(dequantize_int4_spec({0x78, 0xE1, 0x05}, 5)));
  ASSERT_TRUE(g.ok()) << g.status().message();
  const Value& c = g->value(0);
  ASSERT_EQ(c.dtype, DType::kI8);
  ASSERT_TRUE(c.quant.has_value());
  EXPECT_EQ(c.quant->bits, 4);
  ASSERT_EQ(c.data_bytes, 5u);
  const auto* q = reinterpret_cast<const int8_t*>(c.data);
  EXPECT_EQ(std::vector<int8_t>(q, q + 5), (std::vector<int8_t>{-8, 7, 1, -2, 5}));

  auto s = Session::create(*g);
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_TRUE((*s)->run().ok());
  const float* y = (*s)->output(0).as<float>();
  EXPECT_EQ(std::vector<float>(y, y + 5), (std::vector<float>{-4, 3.5f, 0.5f, -1, 2.5f}));

  // Written as INT4 again: three bytes of payload, the same values back.
  auto bytes = write_tflite(*g, "test");
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  auto back = import_bytes(std::move(bytes).value());
  ASSERT_TRUE(back.ok()) << back.status().message();
  const Value& c2 = back->value(0);
  ASSERT_TRUE(c2.quant.has_value());
  EXPECT_EQ(c2.quant->bits, 4);
  ASSERT_EQ(c2.data_bytes, 5u);
  EXPECT_EQ(std::memcmp(c2.data, c.data, 5), 0);
}

TEST(Int4, MalformedConstantsAreClearErrors) {
  auto short_buffer = import_bytes(test::build_tflite(dequantize_int4_spec({0x78}, 5)));
  ASSERT_FALSE(short_buffer.ok());
  EXPECT_NE(short_buffer.status().message().find("of INT4 needs 3"), std::string::npos)
      << short_buffer.status().message();

  auto spec = dequantize_int4_spec({0x78, 0xE1, 0x05}, 5);
  spec.tensors[0].scales.clear();
  spec.tensors[0].zero_points.clear();
  auto no_scales = import_bytes(test::build_tflite(spec));
  ASSERT_FALSE(no_scales.ok());
  EXPECT_NE(no_scales.status().message().find("INT4 constant without quantization"),
            std::string::npos)
      << no_scales.status().message();

  // An INT4 activation: odin holds INT4 only as constants.
  spec = dequantize_int4_spec({}, 5);
  spec.tensors[0].buffer = 0;
  spec.buffers.clear();
  spec.inputs = {0};
  auto activation = import_bytes(test::build_tflite(spec));
  ASSERT_FALSE(activation.ok());
  EXPECT_NE(activation.status().message().find("INT4 (not a constant)"), std::string::npos)
      << activation.status().message();
}

TEST(Int4, WriterRefusesValuesOutsideFourBits) {
  auto g = import_bytes(test::build_tflite(dequantize_int4_spec({0x78, 0xE1, 0x05}, 5)));
  ASSERT_TRUE(g.ok()) << g.status().message();
  std::vector<uint8_t> wide = {9, 0, 0, 0, 0};
  g->value(0).data = g->own_bytes(std::move(wide));
  auto bytes = write_tflite(*g, "test");
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.status().message().find("outside [-8, 7]"), std::string::npos)
      << bytes.status().message();
}

}  // namespace
}  // namespace odin
