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
// One query head over its KV head's cached rows: for each of `rows` query
// rows i (q + i * q_stride), softmax(q.k_j * scale) over j < lens[i], then
// out (+ i * out_stride) = sum_j p_j v_j. k and v are [*, head_dim] floats;
// `scores` holds max(lens) floats.
void attend_rows(const float* q, int64_t q_stride, const float* k, const float* v, int64_t head_dim,
                 const int64_t* lens, int64_t rows, float scale, float* out, int64_t out_stride,
                 float* scores);
// attend_rows over float16 k and v ([*, head_dim] IEEE halves, the KV
// cache's rows where they lie), converted as they are read: the same result.
void attend_rows_f16(const float* q, int64_t q_stride, const uint8_t* k, const uint8_t* v,
                     int64_t head_dim, const int64_t* lens, int64_t rows, float scale, float* out,
                     int64_t out_stride, float* scores);

}  // namespace odin::cpu
