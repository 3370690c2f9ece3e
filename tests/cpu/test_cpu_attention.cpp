// The attention kernel (kernels/cpu/llm_kernels.h) over float32, float16 and
// q8_0 cache rows against a double-precision softmax attention: tiles whose
// rows see different numbers of keys, a short last tile, head dims that are
// not a multiple of any vector width; every row alone gives the same
// bits as within its tile (batch invariance); and the rows converted to
// float32 once (kv_rows_to_f32) give the same bits as the rows read in place.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/cpu/llm_kernels.h"
#include "quant/block_quant.h"
#include "quant/fp16.h"
#include "test_util.h"

namespace odin::test {
namespace {

// One query head: q [rows, hd], k and v [max(lens), hd] -> [rows, hd].
std::vector<float> naive_attention(const std::vector<float>& q, const std::vector<float>& k,
                                   const std::vector<float>& v, int64_t hd,
                                   const std::vector<int64_t>& lens, float scale) {
  std::vector<float> out(q.size());
  for (size_t i = 0; i < lens.size(); ++i) {
    const auto n = static_cast<size_t>(lens[i]);
    const auto d = static_cast<size_t>(hd);
    std::vector<double> s(n);
    for (size_t j = 0; j < n; ++j) {
      for (size_t c = 0; c < d; ++c) s[j] += double{q[i * d + c]} * k[j * d + c];
      s[j] *= scale;
    }
    const double max = *std::max_element(s.begin(), s.end());
    double sum = 0;
    for (double& x : s) sum += (x = std::exp(x - max));
    for (size_t c = 0; c < d; ++c) {
      double y = 0;
      for (size_t j = 0; j < n; ++j) y += s[j] * v[j * d + c];
      out[i * d + c] = static_cast<float>(y / sum);
    }
  }
  return out;
}

// The cache's rows of k or v ([n, hd] floats) as `type` stores them, and
// the floats they stand for (what the kernel reads).
struct Rows {
  std::vector<uint8_t> bytes;
  std::vector<float> values;
};
Rows encode(const std::vector<float>& x, int64_t hd, cpu::KvRowType type) {
  Rows r;
  const size_t n = x.size();
  r.values.resize(n);
  if (type == cpu::KvRowType::kF32) {
    r.bytes.resize(4 * n);
    std::memcpy(r.bytes.data(), x.data(), 4 * n);
    r.values = x;
  } else if (type == cpu::KvRowType::kF16) {
    r.bytes.resize(2 * n);
    fp32_to_fp16(x.data(), r.bytes.data(), n);
    fp16_to_fp32(r.bytes.data(), r.values.data(), n);
  } else {
    const int64_t rb = block_row_bytes(BlockFormat::kQ8_0, hd);
    const auto rows = static_cast<int64_t>(n) / hd;
    r.bytes.resize(static_cast<size_t>(rows * rb));
    for (int64_t j = 0; j < rows; ++j) {
      quantize_row_q8_0({x.data() + j * hd, static_cast<size_t>(hd)}, r.bytes.data() + j * rb);
      dequantize_row(BlockFormat::kQ8_0, r.bytes.data() + j * rb,
                     {r.values.data() + j * hd, static_cast<size_t>(hd)});
    }
  }
  return r;
}

void check(int64_t hd, const std::vector<int64_t>& lens, cpu::KvRowType type) {
  SCOPED_TRACE(str_cat("head_dim ", hd, ", row type ", static_cast<int>(type)));
  const int64_t rows = static_cast<int64_t>(lens.size());
  const int64_t len = *std::max_element(lens.begin(), lens.end());
  const auto q = splitmix_values(static_cast<size_t>(rows * hd), 1, -2.0f, 2.0f);
  const Rows k = encode(splitmix_values(static_cast<size_t>(len * hd), 2, -2.0f, 2.0f), hd, type);
  const Rows v = encode(splitmix_values(static_cast<size_t>(len * hd), 3, -1.0f, 1.0f), hd, type);
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  std::vector<float> scores(static_cast<size_t>(cpu::attend_rows_scratch(len)));
  std::vector<float> got(q.size(), NAN);
  cpu::attend_rows(q.data(), hd, k.bytes.data(), v.bytes.data(), type, hd, lens.data(), rows, scale,
                   got.data(), hd, scores.data());
  const std::vector<float> want = naive_attention(q, k.values, v.values, hd, lens, scale);
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 1e-5f) << "row " << i / static_cast<size_t>(hd);
  // Batch invariance: each row alone gives the same bits as in the tile.
  for (int64_t i = 0; i < rows; ++i) {
    std::vector<float> alone(static_cast<size_t>(hd), NAN);
    cpu::attend_rows(q.data() + i * hd, hd, k.bytes.data(), v.bytes.data(), type, hd,
                     lens.data() + i, 1, scale, alone.data(), hd, scores.data());
    ASSERT_EQ(std::memcmp(alone.data(), got.data() + i * hd, alone.size() * sizeof(float)), 0)
        << "row " << i << " alone differs from the same row among " << rows;
  }
  // The rows converted once to float32 (kv_rows_to_f32) are the values the
  // kernel reads, so attending over them as float32 gives the same bits.
  std::vector<float> kf(static_cast<size_t>(len * hd), NAN), vf(kf.size(), NAN);
  cpu::kv_rows_to_f32(k.bytes.data(), type, hd, len, kf.data());
  cpu::kv_rows_to_f32(v.bytes.data(), type, hd, len, vf.data());
  ASSERT_EQ(std::memcmp(kf.data(), k.values.data(), kf.size() * sizeof(float)), 0);
  ASSERT_EQ(std::memcmp(vf.data(), v.values.data(), vf.size() * sizeof(float)), 0);
  std::vector<float> from_f32(q.size(), NAN);
  cpu::attend_rows(q.data(), hd, kf.data(), vf.data(), cpu::KvRowType::kF32, hd, lens.data(), rows,
                   scale, from_f32.data(), hd, scores.data());
  ASSERT_EQ(std::memcmp(from_f32.data(), got.data(), got.size() * sizeof(float)), 0)
      << "attention over the rows converted to float32 differs from over the rows";
}

TEST(CpuAttention, RowsMatchSoftmaxAttentionAndAreBatchInvariant) {
  for (cpu::KvRowType type : {cpu::KvRowType::kF32, cpu::KvRowType::kF16, cpu::KvRowType::kQ8_0})
    for (int64_t hd : {1, 7, 20, 32, 64, 80, 128}) {
      if (type == cpu::KvRowType::kQ8_0 && hd % 32 != 0) continue;  // whole blocks only
      // Causal prompt rows: 16 from position 0, 13 from 40 (a short tile).
      std::vector<int64_t> causal(16), later(13);
      for (int64_t i = 0; i < 16; ++i) causal[static_cast<size_t>(i)] = i + 1;
      for (int64_t i = 0; i < 13; ++i) later[static_cast<size_t>(i)] = 41 + i;
      check(hd, causal, type);
      check(hd, later, type);
      // Rows in no order, lengths far apart within a tile.
      check(hd, {70, 1, 33, 16, 17, 5}, type);
      check(hd, {3}, type);
    }
}

}  // namespace
}  // namespace odin::test
