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
// Keys per panel of attend_rows' keys.
inline constexpr int64_t kKeyPanel = 16;
// Keys k [n <= kKeyPanel, head_dim] (row-major floats) as one panel,
// [head_dim][kKeyPanel]: column c holds coordinate c of each key, zeros
// past n.
void pack_key_panel(const float* k, int64_t n, int64_t head_dim, float* panel);
// Floats of attend_rows' `scores` for rows of up to max_len keys.
constexpr int64_t attend_rows_scratch(int64_t max_len) {
  return 4 * ((max_len + kKeyPanel - 1) / kKeyPanel * kKeyPanel);
}
// One query head over its KV head's cached rows: for each of `rows` query
// rows i (q + i * q_stride), softmax(q.k_j * scale) over j < lens[i] (>= 1),
// then out (+ i * out_stride) = sum_j p_j v_j. `panels` holds the keys as
// consecutive pack_key_panel panels, v the values as [*, head_dim] floats;
// `scores` holds attend_rows_scratch(max(lens)) floats. Blocked for several
// rows (prefill): each loaded key or value serves several rows.
void attend_rows(const float* q, int64_t q_stride, const float* panels, const float* v,
                 int64_t head_dim, const int64_t* lens, int64_t rows, float scale, float* out,
                 int64_t out_stride, float* scores);
// attend_rows over float16 k and v ([*, head_dim] IEEE halves, the KV
// cache's rows where they lie, not panels), converted as they are read;
// one dot product a key, for one row (decode). `scores` holds max(lens)
// floats.
void attend_rows_f16(const float* q, int64_t q_stride, const uint8_t* k, const uint8_t* v,
                     int64_t head_dim, const int64_t* lens, int64_t rows, float scale, float* out,
                     int64_t out_stride, float* scores);

}  // namespace odin::cpu
