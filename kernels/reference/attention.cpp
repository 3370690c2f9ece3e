// Reference ATTENTION (see src/ops/attention.cpp): store k, v at their
// positions in the cache (rows of head_dim and v_head_dim in the cache's
// dtype; without v, values are the leading v_head_dim of K rows), then
// softmax(q.k * scale) . v over cache rows 0..position for each query head,
// in float (max-shifted softmax) over the cache's rows decoded to floats.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "quant/fp16.h"
#include "quant/weight_rows.h"

namespace odin::ref {
Status attention(const AttentionAttrs& attrs, const ConstTensorView& q, const ConstTensorView& k,
                 const ConstTensorView& v, const ConstTensorView& positions,
                 const ConstTensorView& k_cache, const ConstTensorView& v_cache,
                 const TensorView& out) {
  constexpr const char* kOp = "attention";
  // Without v and a V cache, values are the first v_head_dim of each K
  // cache row (ops/attention.cpp).
  const bool v_in_k = v.data == nullptr && v_cache.data == nullptr;
  for (const ConstTensorView* t : {&q, &k, &v})
    if (t != &v || !v_in_k) ODIN_RETURN_IF_ERROR(expect_f32(kOp, "q/k/v", *t));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "output", out));
  const int64_t hd = attrs.head_dim, dv = attrs.value_dim(), nh = attrs.n_head;
  const int64_t nkv = attrs.n_kv_head;
  if (hd < 1 || dv < 1 || nkv < 1 || nh % nkv != 0 || q.shape.rank() != 2 ||
      k_cache.shape.rank() != 3 || (v_in_k && dv > hd))
    return bad_shape(kOp, "bad heads or ranks");
  const int64_t rows = q.shape[0], kv_width = nkv * hd, ctx = k_cache.shape[1];
  const ConstTensorView& vc = v_in_k ? k_cache : v_cache;
  const int64_t v_row = v_in_k ? hd : dv;  // values per V cache row
  if (q.shape[1] != nh * hd || k.num_elements() != rows * kv_width ||
      (!v_in_k && v.num_elements() != rows * nkv * dv) || positions.dtype != DType::kI32 ||
      positions.num_elements() != rows || k_cache.shape[0] != nkv || k_cache.shape[2] != hd ||
      vc.shape != Shape({nkv, ctx, v_row}) || k_cache.dtype != vc.dtype ||
      out.num_elements() != rows * nh * dv)
    return bad_shape(kOp, "q ", q.shape.str(), ", k ", k.shape.str(), ", v ", v.shape.str(),
                     ", positions ", positions.shape.str(), " and caches ", k_cache.shape.str(),
                     " do not agree");
  const int32_t* pos = positions.as<int32_t>();
  for (int64_t i = 0; i < rows; ++i)
    if (pos[i] < 0 || pos[i] >= ctx)
      return make_error(StatusCode::kOutOfRange, "reference attention: position ", pos[i], " (row ",
                        i, ") is outside the context of ", ctx, " tokens");
  // Cache row (kv head g, position p) is row g * ctx + p of head_dim values.
  // The cache is persistent state the op updates in place
  // (OpDef::writes_state_inputs); kernels see every input as const.
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t g = 0; g < nkv; ++g) {
      const int64_t row = g * ctx + pos[i];
      const float* key = k.as<float>() + i * kv_width + g * hd;
      if (!encode_row(k_cache.dtype, {key, static_cast<size_t>(hd)},
                      const_cast<void*>(k_cache.data), row) ||
          (!v_in_k &&
           !encode_row(v_cache.dtype, {v.as<float>() + (i * nkv + g) * dv, static_cast<size_t>(dv)},
                       const_cast<void*>(v_cache.data), row)))
        return bad_shape(kOp, "KV cache dtype ", dtype_name(k_cache.dtype), " with rows of ", hd,
                         " and ", dv);
    }
  int64_t max_len = 0;
  for (int64_t i = 0; i < rows; ++i) max_len = std::max<int64_t>(max_len, pos[i] + 1);
  // Rows 0..max_len of every KV head as floats: keys[(g * max_len + j) * hd
  // + d], values[(g * max_len + j) * v_row + d] (the first dv are used).
  std::vector<float> keys(static_cast<size_t>(nkv * max_len * hd));
  std::vector<float> values(static_cast<size_t>(nkv * max_len * v_row));
  for (int64_t g = 0; g < nkv; ++g)
    for (int64_t j = 0; j < max_len; ++j) {
      decode_weight_row(k_cache.dtype, k_cache.data, g * ctx + j,
                        {keys.data() + (g * max_len + j) * hd, static_cast<size_t>(hd)});
      decode_weight_row(vc.dtype, vc.data, g * ctx + j,
                        {values.data() + (g * max_len + j) * v_row, static_cast<size_t>(v_row)});
    }
  const float scale = attrs.scale != 0.0f ? attrs.scale : 1.0f / std::sqrt(static_cast<float>(hd));
  const int64_t group = nh / nkv;
  std::vector<float> scores;
  for (int64_t i = 0; i < rows; ++i) {
    const int64_t len = pos[i] + 1;
    scores.assign(static_cast<size_t>(len * nh), 0.0f);
    for (int64_t j = 0; j < len; ++j) {
      for (int64_t h = 0; h < nh; ++h) {
        const float* qh = q.as<float>() + i * nh * hd + h * hd;
        const float* key = keys.data() + ((h / group) * max_len + j) * hd;
        const bool f16 = k_cache.dtype == DType::kF16;  // q rounded like the cache
        float dot = 0.0f;
        for (int64_t d = 0; d < hd; ++d)
          dot += (f16 ? fp16_to_fp32(fp32_to_fp16(qh[d])) : qh[d]) * key[d];
        scores[static_cast<size_t>(h * len + j)] = dot * scale;
      }
    }
    for (int64_t h = 0; h < nh; ++h) {
      float* s = scores.data() + h * len;
      const float max = *std::max_element(s, s + len);
      float sum = 0.0f;
      for (int64_t j = 0; j < len; ++j) sum += (s[j] = std::exp(s[j] - max));
      for (int64_t j = 0; j < len; ++j) s[j] /= sum;
    }
    float* y = out.as<float>() + i * nh * dv;
    std::fill_n(y, nh * dv, 0.0f);
    for (int64_t j = 0; j < len; ++j) {
      for (int64_t h = 0; h < nh; ++h) {
        const float p = scores[static_cast<size_t>(h * len + j)];
        const float* value = values.data() + ((h / group) * max_len + j) * v_row;
        for (int64_t d = 0; d < dv; ++d) y[h * dv + d] += p * value[d];
      }
    }
  }
  return Status();
}

Status attention_node(const KernelArgs& args) {
  const auto* a = args.attrs<AttentionAttrs>();
  if (!a) return missing_attrs(args);
  return attention(*a, args.input(0), args.input(1), args.input(2), args.input(3), args.input(4),
                   args.input(5), args.outputs[0]);
}

}  // namespace odin::ref
