// Float32 row kernels of the LLM ops (RMS_NORM, SWIGLU, attention over one
// head), vectorized with Highway; the ops' loops over rows and heads
// live in backends/cpu/cpu_ops_llm.cpp.
#pragma once

#include <cstdint>

namespace odin::cpu {

// y = x / sqrt(mean(x^2) + eps) * w over one row of d; y may alias x.
void rms_norm_row(const float* x, const float* w, float* y, int64_t d, float eps);
// y = g / (1 + exp(-g)) * u; y may alias g or u.
void swiglu(const float* g, const float* u, float* y, int64_t n);
// How a KV cache stores a row of head_dim values: float32, float16, or q8_0
// (head_dim / 32 blocks of 34 bytes: an fp16 scale, then 32 int8 values).
enum class KvRowType { kF32, kF16, kQ8_0 };
// Rows [0, n) of one KV head (row j at j times the row's bytes) as float32
// rows of head_dim in dst: the values attend_rows reads from `type` rows,
// so attend_rows over dst as kF32 gives the same bits as over the rows
// themselves, without converting each value again for every query row
// and head that reads it.
void kv_rows_to_f32(const void* rows, KvRowType type, int64_t head_dim, int64_t n, float* dst);
// Query rows attend_rows computes together (each loaded key or value serves
// all of them).
inline constexpr int kAttendTile = 4;
// Floats of attend_rows' `scores` for rows of up to max_len keys.
constexpr int64_t attend_rows_scratch(int64_t max_len) {
  return kAttendTile * max_len;
}
// One query head over its KV head's cached rows (row j of k and v at j
// times the row's bytes, read where they lie): for each of `rows` query
// rows i (q + i * q_stride), softmax(q.k_j * scale) over j < lens[i] (>= 1),
// then out (+ i * out_stride) = sum_j p_j v_j. `scores` holds
// attend_rows_scratch(max(lens)) floats.
// Batch invariant: row i's output has the same bits whatever the other
// rows are (tiles of kAttendTile rows take each row's arithmetic of one
// row alone), so a token decoded alone and the same token in a prompt
// chunk or a speculative verification get identical logits.
void attend_rows(const float* q, int64_t q_stride, const void* k, const void* v, KvRowType type,
                 int64_t head_dim, const int64_t* lens, int64_t rows, float scale, float* out,
                 int64_t out_stride, float* scores);

}  // namespace odin::cpu
