#include "llm/latent_attention.h"

#include <cmath>
#include <vector>

namespace odin {
namespace {

// Rows [first, first + count) of every head's block of attn_kv_b (blocks of
// nope + head_dim_v rows of kv_lora_rank) as a float [n_head, count,
// kv_lora_rank] constant: W_uk (first 0) or W_uv (first nope).
ValueId head_rows(LlmGraphBuilder& b, const LlmConfig& c, const std::string& name, int64_t first,
                  int64_t count, const std::string& out_name) {
  const LlmTensor* t = b.weights().find(name);
  const int64_t r = c.kv_lora_rank, block = c.head_dim - c.rope_dim + c.head_dim_v;
  std::vector<float> values(static_cast<size_t>(c.n_head * count * r));
  for (int64_t h = 0; h < c.n_head; ++h)
    for (int64_t i = 0; i < count; ++i)
      decode_weight_row(dtype_of(t->format), t->data.data(), h * block + first + i,
                        {values.data() + (h * count + i) * r, static_cast<size_t>(r)});
  return b.constant(out_name, DType::kF32, {c.n_head, count, r}, values);
}

}  // namespace

ValueId latent_attention(LlmGraphBuilder& b, const LlmConfig& c, const std::string& p, ValueId h,
                         ValueId positions, ValueId cache, const RmsNormAttrs& norm) {
  const auto i32 = [](int64_t v) { return static_cast<int32_t>(v); };
  const int32_t nh = i32(c.n_head), dk = i32(c.head_dim), rope = i32(c.rope_dim);
  const int32_t nope = dk - rope, r = i32(c.kv_lora_rank), dv = i32(c.head_dim_v);
  RopeAttrs rope_attrs;  // llama.cpp's plm: normal (adjacent pairs) RoPE of the last rope_dim
  rope_attrs.head_dim = rope;
  rope_attrs.n_rot = rope;
  rope_attrs.theta_base = c.rope_freq_base;

  // Queries: [W_uk_h^T q_nope_h ; RoPE(q_pe_h)] per head.
  const ValueId q =
      b.reshape(b.matmul(h, p + "attn_q.weight", "", p + "q"), {-1, nh, dk}, p + "q3");
  const ValueId q_nope = b.reshape(b.slice(q, {0, 0, 0}, {-1, nh, nope}, p + "q_nope"),
                                   {-1, nh, 1, nope}, p + "q_nope4");
  const ValueId w_uk = head_rows(b, c, p + "attn_kv_b.weight", 0, nope, p + "w_uk");
  const ValueId q_lat =
      b.reshape(b.node(OpType::kBatchMatMul, {q_nope, w_uk}, p + "q_latent", BatchMatMulAttrs{}),
                {-1, nh, r}, p + "q_latent3");
  const ValueId q_pe = b.reshape(b.slice(q, {0, 0, nope}, {-1, nh, rope}, p + "q_pe"),
                                 {-1, nh * rope}, p + "q_pe_rows");
  const ValueId q_pe_rot =
      b.reshape(b.node(OpType::kRope, {q_pe, positions}, p + "q_rope", rope_attrs), {-1, nh, rope},
                p + "q_rope3");
  ConcatenationAttrs last;
  last.axis = 2;
  const ValueId q_abs =
      b.reshape(b.node(OpType::kConcatenation, {q_lat, q_pe_rot}, p + "q_absorbed", last),
                {-1, nh * (r + rope)}, p + "q_absorbed_rows");

  // The cache row: [RMS-normed latent ; RoPE(k_pe)].
  const ValueId kv = b.matmul(h, p + "attn_kv_a_mqa.weight", "", p + "kv_a");
  const ValueId latent =
      b.node(OpType::kRmsNorm,
             {b.slice(kv, {0, 0}, {-1, r}, p + "latent"), b.weight(p + "attn_kv_a_norm.weight")},
             p + "latent_norm", norm);
  const ValueId k_pe =
      b.node(OpType::kRope, {b.slice(kv, {0, r}, {-1, rope}, p + "k_pe"), positions}, p + "k_rope",
             rope_attrs);
  last.axis = 1;
  const ValueId k = b.node(OpType::kConcatenation, {latent, k_pe}, p + "k_row", last);

  AttentionAttrs attn;
  attn.n_head = nh;
  attn.n_kv_head = 1;
  attn.head_dim = r + rope;
  attn.v_head_dim = r;                                    // the latent, read from the K cache
  attn.scale = 1.0f / std::sqrt(static_cast<float>(dk));  // of the heads llama.cpp forms
  const ValueId a = b.node(OpType::kAttention, {q_abs, k, kNoValue, positions, cache, kNoValue},
                           p + "attention", attn);

  // Each head's latent output through its W_uv: [n, nh, 1, r] x [nh, dv, r]^T.
  const ValueId w_uv = head_rows(b, c, p + "attn_kv_b.weight", nope, dv, p + "w_uv");
  BatchMatMulAttrs transposed;
  transposed.adj_y = true;
  const ValueId o =
      b.node(OpType::kBatchMatMul, {b.reshape(a, {-1, nh, 1, r}, p + "attn_heads"), w_uv},
             p + "attn_values", transposed);
  return b.reshape(o, {-1, nh * dv}, p + "attn_values_rows");
}

}  // namespace odin
