// Shape inference of int8 ops refuses quantization tables TFLite's int8 spec
// does not allow, naming the tensor and what is wrong, and accepts the ones
// it does (the arithmetic itself is checked against LiteRT.js in
// test_op_models.cpp's Int8OpModel cases).
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "graph_builder.h"
#include "ops/op_def.h"

namespace odin {
namespace {

QuantParams table(std::vector<float> scales, std::vector<int64_t> zero_points, int32_t axis = 0) {
  return QuantParams{std::move(scales), std::move(zero_points), axis};
}

// A 1x1 CONV_2D int8 [1, 2, 2, 3] -> [1, 2, 2, 2] with the given tables.
struct QuantConv {
  std::optional<QuantParams> input = table({0.5f}, {-3});
  std::optional<QuantParams> weights = table({0.1f, 0.2f}, {0, 0});
  std::optional<QuantParams> output = table({0.25f}, {5});
  DType bias_dtype = DType::kI32;

  Status infer() const {
    Graph g;
    const ValueId in = test::add_value(g, "x", Shape({1, 2, 2, 3}), DType::kI8);
    g.value(in).quant = input;
    const ValueId w =
        test::add_const_of<int8_t>(g, "w", Shape({2, 1, 1, 3}), DType::kI8, {1, 2, 3, 4, 5, 6});
    g.value(w).quant = weights;
    const ValueId b = bias_dtype == DType::kI32
                          ? test::add_const_of<int32_t>(g, "b", Shape({2}), DType::kI32, {7, 8})
                          : test::add_const_f32(g, "b", Shape({2}), {7.0f, 8.0f});
    const ValueId y = test::add_value(g, "y", Shape(), DType::kI8);
    g.value(y).quant = output;
    const NodeId n = test::add_node(g, OpType::kConv2D, Conv2DAttrs{}, {in, w, b}, {y});
    const Status s = infer_node(g, n);
    if (s.ok() && (g.value(y).dtype != DType::kI8 || g.value(y).shape != Shape({1, 2, 2, 2})))
      return make_error(StatusCode::kInternal, "unexpected output ", g.value(y).shape.str());
    return s;
  }
};

void expect_refused(const QuantConv& c, const std::string& needle,
                    StatusCode code = StatusCode::kInvalidModel) {
  const Status s = c.infer();
  EXPECT_EQ(s.code(), code) << s.to_string();
  EXPECT_NE(s.message().find(needle), std::string::npos) << s.to_string();
}

TEST(QuantizedInfer, ConvAcceptsPerChannelWeights) {
  EXPECT_TRUE(QuantConv{}.infer().ok()) << QuantConv{}.infer().to_string();
  QuantConv per_tensor;
  per_tensor.weights = table({0.1f}, {0});
  EXPECT_TRUE(per_tensor.infer().ok());
}

TEST(QuantizedInfer, ConvRefusesBadTables) {
  QuantConv c;
  c.input.reset();
  expect_refused(c, "input (int8) has no quantization scale");
  c = {};
  c.output.reset();
  expect_refused(c, "output (int8) has no quantization scale");
  c = {};
  c.weights = table({0.1f, 0.2f, 0.3f}, {0, 0, 0});
  expect_refused(c, "weights has 3 quantization scales");
  c = {};
  c.weights = table({0.1f, 0.2f}, {0, 0}, 3);  // per channel along the wrong axis
  expect_refused(c, "along axis 3");
  c = {};
  c.weights = table({0.1f, 0.0f}, {0, 0});
  expect_refused(c, "quantization scale 0");
  c = {};
  c.weights = table({0.1f, 0.2f}, {0, 1});
  expect_refused(c, "zero point 1 (must be 0");
  c = {};
  c.input = table({0.5f}, {200});
  expect_refused(c, "zero point 200 outside its dtype");
  c = {};
  c.bias_dtype = DType::kF32;
  expect_refused(c, "has dtype float32, expected int32", StatusCode::kUnsupported);
}

TEST(QuantizedInfer, QuantizeNeedsTheOutputTable) {
  Graph g;
  const ValueId in = test::add_value(g, "x", Shape({4}), DType::kF32);
  const ValueId y = test::add_value(g, "q", Shape(), DType::kI8);
  const NodeId n = test::add_node(g, OpType::kQuantize, std::monostate{}, {in}, {y});
  const Status missing = infer_node(g, n);
  EXPECT_EQ(missing.code(), StatusCode::kInvalidModel) << missing.to_string();
  g.value(y).quant = table({0.1f}, {-1});
  const Status ok = infer_node(g, n);
  EXPECT_TRUE(ok.ok()) << ok.to_string();
  EXPECT_EQ(g.value(y).dtype, DType::kI8);
  g.value(y).dtype = DType::kF32;  // QUANTIZE to float: not a quantization
  EXPECT_EQ(infer_node(g, n).code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace odin
