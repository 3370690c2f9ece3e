#include "quant/block_quant.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "quant/fp16.h"

namespace odin {
namespace {

// Block sizes and layouts: ggml-common.h (QK8_0 = QK4_0 = 32, QK_K = 256,
// K_SCALE_SIZE = 12).
constexpr int64_t kQK = 32;
constexpr int64_t kQKK = 256;
constexpr BlockFormatInfo kInfos[] = {
    {"F32", 1, 4},
    {"F16", 1, 2},
    {"BF16", 1, 2},
    {"Q8_0", kQK, 2 + kQK},                               // d, qs[32]
    {"Q4_0", kQK, 2 + kQK / 2},                           // d, qs[16]
    {"Q4_K", kQKK, 2 + 2 + 12 + kQKK / 2},                // d, dmin, scales[12], qs[128]
    {"Q6_K", kQKK, kQKK / 2 + kQKK / 4 + kQKK / 16 + 2},  // ql[128], qh[64], scales[16], d
    {"M0E4", kQK, 2 + kQK / 2},                           // d, qs[16] as Q4_0
};

float half_at(const uint8_t* p) {
  return fp16_to_fp32(static_cast<uint16_t>(p[0] | p[1] << 8));
}

void put_half(uint8_t* p, float v) {
  const uint16_t h = fp32_to_fp16(v);
  p[0] = static_cast<uint8_t>(h);
  p[1] = static_cast<uint8_t>(h >> 8);
}

void dequantize_q8_0(const uint8_t* b, float* y) {
  const float d = half_at(b);
  for (int j = 0; j < kQK; ++j) y[j] = static_cast<float>(static_cast<int8_t>(b[2 + j])) * d;
}

void dequantize_q4_0(const uint8_t* b, float* y) {
  const float d = half_at(b);
  const uint8_t* qs = b + 2;
  for (int j = 0; j < kQK / 2; ++j) {
    y[j] = static_cast<float>((qs[j] & 0x0F) - 8) * d;
    y[j + kQK / 2] = static_cast<float>((qs[j] >> 4) - 8) * d;
  }
}

void dequantize_m0e4(const uint8_t* b, float* y) {
  const float d = half_at(b);
  const uint8_t* qs = b + 2;
  for (int j = 0; j < kQK / 2; ++j) {
    y[j] = static_cast<float>(kM0E4Values[qs[j] & 0x0F]) * d;
    y[j + kQK / 2] = static_cast<float>(kM0E4Values[qs[j] >> 4]) * d;
  }
}

// The M0E4 code nearest to v (in units of the scale): the exponent field
// counts the midpoints 0.5, 1.5, 3, ..., 48 between magnitudes 0, 1, 2, ...,
// 64 that |v| passes (a tie keeps the smaller). NaN is 0.
int m0e4_code(float v) {
  constexpr float kMidpoints[7] = {0.5f, 1.5f, 3.0f, 6.0f, 12.0f, 24.0f, 48.0f};
  const float a = std::fabs(v);
  int e = 0;
  while (e < 7 && a > kMidpoints[e]) ++e;
  return e == 0 ? 0 : (v < 0.0f ? 8 : 0) | e;
}

void dequantize_q4_k(const uint8_t* b, float* y) {
  const float d = half_at(b);
  const float dmin = half_at(b + 2);
  const uint8_t* scales = b + 4;
  const uint8_t* q = b + 16;
  // Four groups of 64: the low nibbles of 32 bytes, then their high nibbles.
  for (int group = 0; group < 4; ++group, q += 32, y += 64) {
    int sc = 0, m = 0;
    q4_k_scale_min(2 * group, scales, &sc, &m);
    const float d1 = d * static_cast<float>(sc), m1 = dmin * static_cast<float>(m);
    q4_k_scale_min(2 * group + 1, scales, &sc, &m);
    const float d2 = d * static_cast<float>(sc), m2 = dmin * static_cast<float>(m);
    for (int l = 0; l < 32; ++l) y[l] = d1 * static_cast<float>(q[l] & 0x0F) - m1;
    for (int l = 0; l < 32; ++l) y[32 + l] = d2 * static_cast<float>(q[l] >> 4) - m2;
  }
}

void dequantize_q6_k(const uint8_t* b, float* y) {
  const uint8_t* ql = b;
  const uint8_t* qh = b + kQKK / 2;
  const auto* sc = reinterpret_cast<const int8_t*>(b + kQKK / 2 + kQKK / 4);
  const float d = half_at(b + kQKK / 2 + kQKK / 4 + kQKK / 16);
  // Two halves of 128: each value is 4 low bits from ql and 2 high bits from
  // qh, offset 32; one int8 scale per 16 values.
  for (int half = 0; half < 2; ++half, ql += 64, qh += 32, sc += 8, y += 128) {
    for (int l = 0; l < 32; ++l) {
      const int is = l / 16;
      const int q1 = ((ql[l] & 0x0F) | ((qh[l] >> 0 & 3) << 4)) - 32;
      const int q2 = ((ql[l + 32] & 0x0F) | ((qh[l] >> 2 & 3) << 4)) - 32;
      const int q3 = ((ql[l] >> 4) | ((qh[l] >> 4 & 3) << 4)) - 32;
      const int q4 = ((ql[l + 32] >> 4) | ((qh[l] >> 6 & 3) << 4)) - 32;
      y[l] = d * static_cast<float>(sc[is]) * static_cast<float>(q1);
      y[l + 32] = d * static_cast<float>(sc[is + 2]) * static_cast<float>(q2);
      y[l + 64] = d * static_cast<float>(sc[is + 4]) * static_cast<float>(q3);
      y[l + 96] = d * static_cast<float>(sc[is + 6]) * static_cast<float>(q4);
    }
  }
}

using BlockDecoder = void (*)(const uint8_t*, float*);

void decode_blocks(BlockDecoder decode, const BlockFormatInfo& info, const uint8_t* src,
                   std::span<float> dst) {
  for (size_t i = 0; i < dst.size(); i += static_cast<size_t>(info.block_elements))
    decode(src + i / static_cast<size_t>(info.block_elements) * info.block_bytes, dst.data() + i);
}

// Truncates toward zero like ggml's casts, but saturates to [lo, hi] and
// reads NaN as 0 instead of converting out of range (undefined behaviour).
int saturate(float v, int lo, int hi) {
  if (std::isnan(v)) return 0;
  return static_cast<int>(std::clamp(v, static_cast<float>(lo), static_cast<float>(hi)));
}

void put_bits(uint8_t* p, uint16_t h) {
  p[0] = static_cast<uint8_t>(h);
  p[1] = static_cast<uint8_t>(h >> 8);
}

// The fp16 super-scale of which `steps` multiples reach `top` (>= 0): top /
// steps rounded to fp16, one fp16 step up when that rounded down. fp16 (11
// significant bits) times at most 127 is exact in float.
uint16_t scale_reaching(float top, int steps) {
  uint16_t h = fp32_to_fp16(top / static_cast<float>(steps));
  if (fp16_to_fp32(h) * static_cast<float>(steps) < top && h < 0x7bff) ++h;
  return h;
}

}  // namespace

// The 6-bit scale and min of Q4_K sub-block j (ggml's get_scale_min_k4):
// sub-blocks 0-3 in the low 6 bits of bytes 0-3 and 4-7, sub-blocks 4-7 split
// between the nibbles of bytes 8-11 and the top 2 bits of bytes 0-7.
void q4_k_scale_min(int j, const uint8_t* s, int* scale, int* min) {
  if (j < 4) {
    *scale = s[j] & 63;
    *min = s[j + 4] & 63;
  } else {
    *scale = (s[j + 4] & 0x0F) | ((s[j - 4] >> 6) << 4);
    *min = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
  }
}

const BlockFormatInfo& block_format_info(BlockFormat format) {
  return kInfos[static_cast<size_t>(format)];
}

int64_t block_row_bytes(BlockFormat format, int64_t elements) {
  const BlockFormatInfo& info = block_format_info(format);
  if (elements < 0 || elements % info.block_elements != 0) return -1;
  const int64_t blocks = elements / info.block_elements;
  if (blocks > std::numeric_limits<int64_t>::max() / info.block_bytes) return -1;
  return blocks * info.block_bytes;
}

void dequantize_row(BlockFormat format, const uint8_t* src, std::span<float> dst) {
  const BlockFormatInfo& info = block_format_info(format);
  switch (format) {
    case BlockFormat::kF32:
      if (!dst.empty()) std::memcpy(dst.data(), src, dst.size_bytes());
      return;
    case BlockFormat::kF16:
      fp16_to_fp32(src, dst.data(), dst.size());
      return;
    case BlockFormat::kBF16:
      // bfloat16 is the top half of a float32.
      for (size_t i = 0; i < dst.size(); ++i) {
        const uint32_t bits = static_cast<uint32_t>(src[2 * i] | src[2 * i + 1] << 8) << 16;
        std::memcpy(&dst[i], &bits, 4);
      }
      return;
    case BlockFormat::kQ8_0:
      return decode_blocks(dequantize_q8_0, info, src, dst);
    case BlockFormat::kQ4_0:
      return decode_blocks(dequantize_q4_0, info, src, dst);
    case BlockFormat::kQ4_K:
      return decode_blocks(dequantize_q4_k, info, src, dst);
    case BlockFormat::kQ6_K:
      return decode_blocks(dequantize_q6_k, info, src, dst);
    case BlockFormat::kM0E4:
      return decode_blocks(dequantize_m0e4, info, src, dst);
  }
}

bool quantize_row(BlockFormat format, std::span<const float> src, uint8_t* dst) {
  switch (format) {
    case BlockFormat::kF32:
      if (!src.empty()) std::memcpy(dst, src.data(), src.size_bytes());
      return true;
    case BlockFormat::kF16:
      for (size_t i = 0; i < src.size(); ++i) put_half(dst + 2 * i, src[i]);
      return true;
    case BlockFormat::kBF16:
      return false;
    case BlockFormat::kQ8_0:
      quantize_row_q8_0(src, dst);
      return true;
    case BlockFormat::kQ4_0:
      quantize_row_q4_0(src, dst);
      return true;
    case BlockFormat::kQ4_K:
      quantize_row_q4_k(src, dst);
      return true;
    case BlockFormat::kQ6_K:
      quantize_row_q6_k(src, dst);
      return true;
    case BlockFormat::kM0E4:
      quantize_row_m0e4(src, dst);
      return true;
  }
  return false;
}

void quantize_row_q8_0(std::span<const float> src, uint8_t* dst) {
  for (size_t i = 0; i < src.size(); i += kQK, dst += 2 + kQK) {
    const float* x = src.data() + i;
    float amax = 0.0f;
    for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    put_half(dst, d);
    for (int j = 0; j < kQK; ++j)
      dst[2 + j] =
          static_cast<uint8_t>(static_cast<int8_t>(saturate(std::round(x[j] * id), -127, 127)));
  }
}

void quantize_row_q4_0(std::span<const float> src, uint8_t* dst) {
  for (size_t i = 0; i < src.size(); i += kQK, dst += 2 + kQK / 2) {
    const float* x = src.data() + i;
    // The scale maps the value of largest magnitude to -8, keeping its sign.
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < kQK; ++j)
      if (amax < std::fabs(x[j])) {
        amax = std::fabs(x[j]);
        max = x[j];
      }
    const float d = max / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    put_half(dst, d);
    const auto nibble = [](float v) { return saturate(std::isnan(v) ? 8.5f : v + 8.5f, 0, 15); };
    for (int j = 0; j < kQK / 2; ++j)
      dst[2 + j] = static_cast<uint8_t>(nibble(x[j] * id) | nibble(x[j + kQK / 2] * id) << 4);
  }
}

void quantize_row_m0e4(std::span<const float> src, uint8_t* dst) {
  // Candidate scales amax / 64 * 2^(t / 16), t in [0, 16): the grid times 2
  // is itself (but for its ends), so one octave holds every shape of it.
  constexpr int kSteps = 16;
  float octave[kSteps];
  for (int t = 0; t < kSteps; ++t) octave[t] = std::exp2(static_cast<float>(t) / kSteps) / 64.0f;
  for (size_t i = 0; i < src.size(); i += kQK, dst += 2 + kQK / 2) {
    const float* x = src.data() + i;
    float amax = 0.0f;
    for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));  // NaN ignored
    uint16_t best = 0;
    double best_err = std::numeric_limits<double>::infinity();
    for (int t = 0; t < kSteps; ++t) {
      const uint16_t h = fp32_to_fp16(amax * octave[t]);
      const float d = fp16_to_fp32(h);
      const float id = d != 0.0f ? 1.0f / d : 0.0f;
      double err = 0.0;
      for (int j = 0; j < kQK; ++j) {
        const double e = x[j] - static_cast<double>(kM0E4Values[m0e4_code(x[j] * id)]) * d;
        err += e * e;
      }
      if (err < best_err) {  // NaN errors never win: the first candidate stays
        best_err = err;
        best = h;
      }
    }
    const float d = fp16_to_fp32(best);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    put_bits(dst, best);
    for (int j = 0; j < kQK / 2; ++j)
      dst[2 + j] = static_cast<uint8_t>(m0e4_code(x[j] * id) | m0e4_code(x[j + kQK / 2] * id) << 4);
  }
}

void quantize_row_q4_k(std::span<const float> src, uint8_t* dst) {
  constexpr int kSub = 32;
  for (size_t i = 0; i < src.size(); i += kQKK, dst += 2 + 2 + 12 + kQKK / 2) {
    const float* x = src.data() + i;
    // Sub-block j covers [-offset_j, -offset_j + 15 * step_j]: the offset
    // reaches down to its minimum (0 when all are positive), the steps up to
    // its maximum.
    float neg[8], hi[8], max_neg = 0.0f;
    for (int j = 0; j < 8; ++j) {
      float lo = 0.0f, top = x[j * kSub];
      for (int l = 0; l < kSub; ++l) {
        lo = std::min(lo, x[j * kSub + l]);
        top = std::max(top, x[j * kSub + l]);
      }
      neg[j] = -lo;
      hi[j] = top;
      max_neg = std::max(max_neg, neg[j]);
    }
    const uint16_t dmin_bits = scale_reaching(max_neg, 63);
    const float dmin = fp16_to_fp32(dmin_bits);
    int m[8], sc[8];
    float offset[8], scale[8], max_scale = 0.0f;
    for (int j = 0; j < 8; ++j) {
      m[j] = dmin > 0.0f ? saturate(std::ceil(neg[j] / dmin), 0, 63) : 0;
      offset[j] = dmin * static_cast<float>(m[j]);  // exact
      scale[j] = (hi[j] + offset[j]) / 15.0f;
      max_scale = std::max(max_scale, scale[j]);
    }
    const uint16_t d_bits = scale_reaching(max_scale, 63);
    const float d = fp16_to_fp32(d_bits);
    for (int j = 0; j < 8; ++j) sc[j] = d > 0.0f ? saturate(std::ceil(scale[j] / d), 0, 63) : 0;

    put_bits(dst, d_bits);
    put_bits(dst + 2, dmin_bits);
    // 6-bit scales and mins (the decoder's q4_k_scale_min): 0-3 in the low
    // bits of bytes 0-7, 4-7 in the nibbles of bytes 8-11 and the top bits
    // of bytes 0-7.
    uint8_t* s = dst + 4;
    for (int j = 0; j < 4; ++j) {
      s[j] = static_cast<uint8_t>(sc[j] | (sc[j + 4] >> 4) << 6);
      s[j + 4] = static_cast<uint8_t>(m[j] | (m[j + 4] >> 4) << 6);
      s[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0x0F) | (m[j + 4] & 0x0F) << 4);
    }
    // Sub-blocks 2g and 2g+1 share 32 bytes: low and high nibbles.
    uint8_t* q = dst + 16;
    std::memset(q, 0, kQKK / 2);
    for (int j = 0; j < 8; ++j) {
      const float step = d * static_cast<float>(sc[j]);  // exact
      for (int l = 0; l < kSub; ++l) {
        const int n =
            step > 0.0f ? saturate(std::round((x[j * kSub + l] + offset[j]) / step), 0, 15) : 0;
        q[j / 2 * kSub + l] |= static_cast<uint8_t>(j % 2 ? n << 4 : n);
      }
    }
  }
}

void quantize_row_q6_k(std::span<const float> src, uint8_t* dst) {
  constexpr int kSub = 16;
  for (size_t i = 0; i < src.size(); i += kQKK, dst += kQKK / 2 + kQKK / 4 + kQKK / 16 + 2) {
    const float* x = src.data() + i;
    float scale[16], max_scale = 0.0f;
    for (int k = 0; k < 16; ++k) {
      float amax = 0.0f;
      for (int l = 0; l < kSub; ++l) amax = std::max(amax, std::fabs(x[k * kSub + l]));
      scale[k] = amax / 31.0f;
      max_scale = std::max(max_scale, scale[k]);
    }
    const uint16_t d_bits = scale_reaching(max_scale, 127);
    const float d = fp16_to_fp32(d_bits);
    uint8_t* ql = dst;
    uint8_t* qh = dst + kQKK / 2;
    uint8_t* scales = dst + kQKK / 2 + kQKK / 4;
    std::memset(dst, 0, kQKK / 2 + kQKK / 4);
    float step[16];
    for (int k = 0; k < 16; ++k) {
      const int sc = d > 0.0f ? saturate(std::ceil(scale[k] / d), 0, 127) : 0;
      scales[k] = static_cast<uint8_t>(sc);
      step[k] = d * static_cast<float>(sc);  // exact
    }
    put_bits(dst + kQKK / 2 + kQKK / 4 + kQKK / 16, d_bits);
    // The decoder's layout: in each half of 128, quarter k of 32 takes the
    // low (k < 2) or high nibbles of ql[l + 32 * (k % 2)] and bits 2k, 2k+1
    // of qh[l].
    for (int e = 0; e < kQKK; ++e) {
      const float st = step[e / kSub];
      const int u = (st > 0.0f ? saturate(std::round(x[e] / st), -32, 31) : 0) + 32;
      const int half = e / 128, quarter = e % 128 / 32, l = e % 32;
      uint8_t& low = ql[64 * half + l + 32 * (quarter % 2)];
      low |= static_cast<uint8_t>(quarter < 2 ? u & 0x0F : (u & 0x0F) << 4);
      qh[32 * half + l] |= static_cast<uint8_t>((u >> 4) << (2 * quarter));
    }
  }
}

}  // namespace odin
