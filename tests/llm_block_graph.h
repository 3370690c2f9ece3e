// One decoder block built by hand with every LLM op (embedding, RMS norm,
// the matmuls in one weight format, RoPE, attention over a persistent KV
// cache, SwiGLU, the residual adds), its token count the dim symbol `seq`
// (at most kMaxRows), and a helper that runs a chunk of tokens through a session
// of it. The backends' LLM op tests (tests/cpu, tests/vulkan) compare their
// kernels against the reference on this graph.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "graph_builder.h"
#include "runtime/session.h"

namespace odin::test::llm_block {

constexpr int64_t kWidth = 256, kHeads = 4, kKvHeads = 2, kHeadDim = 64, kCtx = 64, kMaxRows = 40;

// A node with one output of inferred shape; returns the output.
inline ValueId add_node_out(Graph& g, OpType op, std::vector<ValueId> in, OpAttrs attrs = {}) {
  const ValueId o = add_value(g, Shape());
  add_node(g, op, std::move(attrs), std::move(in), {o});
  return o;
}

// A persistent KV cache value [kKvHeads, kCtx, kHeadDim].
inline ValueId add_cache(Graph& g, const std::string& name, DType dtype) {
  Value v;
  v.name = name;
  v.dtype = dtype;
  v.shape = Shape({kKvHeads, kCtx, kHeadDim});
  v.persistent = true;
  return g.add_value(std::move(v));
}

// The block: inputs ids and positions ([seq] int32), output [seq, kWidth];
// matmuls and the embedding table in `format`, NeoX or normal RoPE, the KV
// cache in `cache`.
inline Graph block_graph(BlockFormat format, bool neox, DType cache = DType::kF16) {
  Graph g;
  g.dim_symbols().push_back({"seq", kMaxRows});
  auto seq_input = [&](const char* name) {
    const ValueId v = add_value(g, name, Shape({kDynamicDim}), DType::kI32);
    g.value(v).shape.set_symbol(0, "seq");
    g.inputs().push_back(v);
    return v;
  };
  const ValueId ids = seq_input("ids");
  const ValueId pos = seq_input("positions");
  const ValueId x =
      add_node_out(g, OpType::kEmbedding, {add_stored_weights(g, format, 100, kWidth, 1), ids});
  const ValueId h =
      add_node_out(g, OpType::kRmsNorm, {x, add_random_const(g, Shape({kWidth}), 2, 0.5f, 1.5f)},
                   RmsNormAttrs{1e-5f});
  FullyConnectedAttrs fc;
  fc.keep_num_dims = true;
  auto matmul = [&](ValueId in, int64_t out, uint64_t seed, bool bias = false,
                    int64_t depth = kWidth) {
    std::vector<ValueId> ins = {in, add_stored_weights(g, format, out, depth, seed)};
    if (bias) ins.push_back(add_random_const(g, Shape({out}), seed + 100));
    return add_node_out(g, OpType::kFullyConnected, ins, fc);
  };
  RopeAttrs rope{kHeadDim, kHeadDim, 10000.0f, neox};
  const ValueId q =
      add_node_out(g, OpType::kRope, {matmul(h, kHeads * kHeadDim, 3, true), pos}, rope);
  const ValueId k = add_node_out(g, OpType::kRope, {matmul(h, kKvHeads * kHeadDim, 4), pos}, rope);
  const ValueId v = matmul(h, kKvHeads * kHeadDim, 5);
  AttentionAttrs attn{kHeads, kKvHeads, kHeadDim, 0.125f};
  const ValueId a = add_node_out(
      g, OpType::kAttention,
      {q, k, v, pos, add_cache(g, "k_cache", cache), add_cache(g, "v_cache", cache)}, attn);
  const ValueId r = add_node_out(g, OpType::kAdd, {x, matmul(a, kWidth, 6)}, BinaryAttrs{});
  const ValueId act = add_node_out(g, OpType::kSwiglu, {matmul(r, 512, 7), matmul(r, 512, 8)});
  g.outputs() = {
      add_node_out(g, OpType::kAdd, {r, matmul(act, kWidth, 9, false, 512)}, BinaryAttrs{})};
  return g;
}

// Runs `n` tokens at positions from `start` and returns the output rows.
inline std::vector<float> step(Session& s, int64_t start, int64_t n) {
  std::vector<int32_t> ids, pos;
  for (int64_t i = 0; i < n; ++i) {
    ids.push_back(static_cast<int32_t>((start + i) * 37 % 100));
    pos.push_back(static_cast<int32_t>(start + i));
  }
  EXPECT_TRUE(s.set_dim("seq", n).ok());
  EXPECT_TRUE(s.set_input(0, ids.data(), ids.size() * 4).ok());
  EXPECT_TRUE(s.set_input(1, pos.data(), pos.size() * 4).ok());
  const Status run = s.run();
  EXPECT_TRUE(run.ok()) << run.message();
  const ConstTensorView out = s.output(0);
  EXPECT_EQ(out.shape, Shape({n, kWidth}));
  return std::vector<float>(out.as<float>(), out.as<float>() + n * kWidth);
}

}  // namespace odin::test::llm_block
