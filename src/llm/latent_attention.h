// plm's multi-head latent attention (llama.cpp's `plm`, DeepSeek-V2's MLA)
// built so that the KV cache holds the compressed latent, not K and V.
//
// Per token, attn_kv_a_mqa gives a latent c [kv_lora_rank] (then RMS-normed)
// and a RoPE key k_pe [rope_dim] that all heads share; attn_kv_b expands c
// to each head's K part without RoPE (W_uk_h c) and V (W_uv_h c). Since
// q_nope_h . (W_uk_h c) = (W_uk_h^T q_nope_h) . c, W_uk is absorbed into
// the queries and W_uv applied after the attention: ATTENTION runs with one
// KV head whose rows are [c ; k_pe] and whose values are the first
// kv_lora_rank of those rows (no V cache), so a token costs kv_lora_rank +
// rope_dim cache values per layer instead of 2 * n_head * head_dim.
#pragma once

#include <string>

#include "llm/llm_graph_builder.h"

namespace odin {

// The attention of layer prefix `p` ("blk.3.") on the normed input `h` [n,
// n_embd], before attn_output: [n, n_head * head_dim_v]. `cache` is the
// layer's [1, ctx, kv_lora_rank + rope_dim] K cache (latent_cache_row).
ValueId latent_attention(LlmGraphBuilder& b, const LlmConfig& c, const std::string& p, ValueId h,
                         ValueId positions, ValueId cache, const RmsNormAttrs& norm);

// Values per cache row (one per token and layer).
inline int64_t latent_cache_row(const LlmConfig& c) {
  return c.kv_lora_rank + c.rope_dim;
}

}  // namespace odin
