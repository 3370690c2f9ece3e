// The architectures of `odin build-model`: the same seed gives the same
// bytes, another seed other weights; the graphs hold the blocks the paper's
// tables list (counted by op); fp16 weights sit behind DEQUANTIZE nodes;
// unknown names are clear errors. (Outputs against LiteRT.js:
// tests/models/test_built_models.cpp.)
#include <gtest/gtest.h>

#include "graph_builder.h"
#include "model_builder/architectures.h"

namespace odin {
namespace {

Graph build(const char* arch, uint64_t seed = 1, bool fp16 = false) {
  auto g = build_architecture(arch, ModelBuildOptions{.seed = seed, .fp16 = fp16});
  EXPECT_TRUE(g.ok()) << g.status().to_string();
  return g.ok() ? std::move(*g) : Graph();
}

TEST(ModelBuilder, SameSeedSameBytes) {
  const ModelBuildOptions one{.seed = 1, .fp16 = false}, two{.seed = 2, .fp16 = false};
  for (const char* arch : {"mnv4_conv_s", "unet_block", "vae_decoder"}) {
    SCOPED_TRACE(arch);
    auto a = build_architecture_tflite(arch, one);
    auto b = build_architecture_tflite(arch, one);
    auto c = build_architecture_tflite(arch, two);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    EXPECT_EQ(*a, *b);
    EXPECT_EQ(a->size(), c->size());
    EXPECT_NE(*a, *c);
  }
}

TEST(ModelBuilder, MobileNetV4Blocks) {
  // Conv-S: stem + 4 plain convs, 12 UIBs (two pointwise convs each), the
  // head's conv; no attention.
  const Graph s = build("mnv4_conv_s");
  EXPECT_EQ(s.value(s.outputs()[0]).shape, Shape({1, 1000}));
  EXPECT_EQ(s.value(s.inputs()[0]).shape, Shape({1, 224, 224, 3}));
  EXPECT_EQ(test::count_op(s, OpType::kBatchMatMul), 0u);
  EXPECT_EQ(test::count_op(s, OpType::kFullyConnected), 2u);
  EXPECT_EQ(test::count_op(s, OpType::kMean), 1u);
  EXPECT_EQ(test::count_op(s, OpType::kConv2D), 5u + 2 * 12 + 1);
  // Hybrid-M: 8 Mobile MQA blocks, two matmuls and a softmax each; the 4 at
  // 14px downsample K and V with their own strided depthwise.
  const Graph h = build("mnv4_hybrid_m");
  EXPECT_EQ(test::count_op(h, OpType::kBatchMatMul), 16u);
  EXPECT_EQ(test::count_op(h, OpType::kSoftmax), 8u);
  size_t strided_kv = 0;
  for (const Node& n : h.nodes())
    if (n.op == OpType::kDepthwiseConv2D && std::get<DepthwiseConv2DAttrs>(n.attrs).stride_h == 2 &&
        h.value(n.inputs[1]).shape[1] == 3 && h.value(n.inputs[0]).shape[3] == 160)
      ++strided_kv;
  EXPECT_EQ(strided_kv, 8u);
}

TEST(ModelBuilder, CasVitBlocks) {
  // XS: 10 additive blocks; each has GELU twice (local integration, MLP),
  // four sigmoids (spatial and channel operation of Q and K) and three
  // residual ADDs plus Q + K; stem and patch embeddings pad explicitly.
  const Graph g = build("cas_vit_xs");
  EXPECT_EQ(g.value(g.outputs()[0]).shape, Shape({1, 1000}));
  EXPECT_EQ(test::count_op(g, OpType::kGelu), 20u);
  EXPECT_EQ(test::count_op(g, OpType::kLogistic), 40u);
  EXPECT_EQ(test::count_op(g, OpType::kAdd), 40u);
  EXPECT_EQ(test::count_op(g, OpType::kPad), 5u);
  EXPECT_EQ(test::count_op(g, OpType::kBatchMatMul), 0u);
  const Graph m = build("cas_vit_m");
  EXPECT_EQ(test::count_op(m, OpType::kGelu), 30u);
}

// A norm is MEAN, SQUARED_DIFFERENCE, MEAN, ADD eps, RSQRT, SUB, MUL.
void expect_norms(const Graph& g, size_t norms) {
  EXPECT_EQ(test::count_op(g, OpType::kMean), 2 * norms);
  EXPECT_EQ(test::count_op(g, OpType::kSquaredDifference), norms);
  EXPECT_EQ(test::count_op(g, OpType::kRsqrt), norms);
}

TEST(ModelBuilder, UnetBlockLayers) {
  // Six ResNets (down 0, down 1, two in the mid block, up 1, up 0) with two
  // GroupNorms each, three Transformers with a GroupNorm and three
  // LayerNorms each, the output's GroupNorm; two attentions a Transformer,
  // each six matmuls (Q, K, V, scores, values, output) and a head SUM.
  const Graph g = build("unet_block");
  ASSERT_EQ(g.inputs().size(), 3u);
  EXPECT_EQ(g.value(g.inputs()[2]).shape, Shape({1, 16, 64}));
  EXPECT_EQ(g.value(g.outputs()[0]).shape, Shape({1, 32, 32, 4}));
  expect_norms(g, 6 * 2 + 3 * 4 + 1);
  EXPECT_EQ(test::count_op(g, OpType::kSoftmax), 6u);
  EXPECT_EQ(test::count_op(g, OpType::kBatchMatMul), 36u);
  EXPECT_EQ(test::count_op(g, OpType::kSum), 6u);
  EXPECT_EQ(test::count_op(g, OpType::kGelu), 3u);
  EXPECT_EQ(test::count_op(g, OpType::kResizeNearestNeighbor), 1u);
  EXPECT_EQ(test::count_op(g, OpType::kConcatenation), 2u);
  // The cross-attentions' K and V read the text.
  size_t text_readers = 0;
  for (const Node& n : g.nodes())
    text_readers += n.op == OpType::kBatchMatMul && n.inputs[0] == g.inputs()[2];
  EXPECT_EQ(text_readers, 2u * 3);
}

TEST(ModelBuilder, VaeDecoderLayers) {
  // Two mid-block ResNets and three in each of four up blocks, two
  // GroupNorms each; the attention's and the output's GroupNorms; three
  // upsamplings to 8x the latent.
  const Graph g = build("vae_decoder");
  EXPECT_EQ(g.value(g.inputs()[0]).shape, Shape({1, 8, 8, 4}));
  EXPECT_EQ(g.value(g.outputs()[0]).shape, Shape({1, 64, 64, 3}));
  expect_norms(g, 14 * 2 + 2);
  EXPECT_EQ(test::count_op(g, OpType::kSoftmax), 1u);
  EXPECT_EQ(test::count_op(g, OpType::kResizeNearestNeighbor), 3u);
}

TEST(ModelBuilder, Fp16WeightsBehindDequantize) {
  const Graph f32 = build("mnv4_conv_m");
  const Graph f16 = build("mnv4_conv_m", 1, true);
  EXPECT_EQ(test::count_op(f32, OpType::kDequantize), 0u);
  size_t weights = 0;
  for (const Value& v : f32.values()) weights += v.is_constant() && v.dtype == DType::kF32;
  EXPECT_EQ(test::count_op(f16, OpType::kDequantize), weights);
  for (const Value& v : f16.values()) {
    if (v.is_constant()) {
      EXPECT_NE(v.dtype, DType::kF32) << v.name;
    }
  }
}

TEST(ModelBuilder, UnknownArchitectureNamesTheKnownOnes) {
  auto g = build_architecture("mnv5", ModelBuildOptions{});
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kNotFound);
  EXPECT_NE(g.status().message().find("mnv4_conv_s, mnv4_conv_m, mnv4_hybrid_m, cas_vit_xs"),
            std::string::npos)
      << g.status().to_string();
}

}  // namespace
}  // namespace odin
