// The blocked multi-row attention kernel (kernels/cpu/llm_kernels.h) against
// a double-precision softmax attention: tiles whose rows see different
// numbers of keys, a short last tile, lengths that are not a multiple of the
// key panel and head dims that are not a multiple of any vector width.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu/llm_kernels.h"
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

void check(int64_t hd, const std::vector<int64_t>& lens) {
  const int64_t rows = static_cast<int64_t>(lens.size());
  const int64_t len = *std::max_element(lens.begin(), lens.end());
  const auto q = splitmix_values(static_cast<size_t>(rows * hd), 1, -2.0f, 2.0f);
  const auto k = splitmix_values(static_cast<size_t>(len * hd), 2, -2.0f, 2.0f);
  const auto v = splitmix_values(static_cast<size_t>(len * hd), 3, -1.0f, 1.0f);
  const int64_t kp = cpu::kKeyPanel, panels = (len + kp - 1) / kp;
  std::vector<float> packed(static_cast<size_t>(panels * kp * hd));
  for (int64_t p = 0; p < panels; ++p)
    cpu::pack_key_panel(k.data() + p * kp * hd, std::min(kp, len - p * kp), hd,
                        packed.data() + p * kp * hd);
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  std::vector<float> scores(static_cast<size_t>(cpu::attend_rows_scratch(len)));
  std::vector<float> got(q.size(), NAN);
  cpu::attend_rows(q.data(), hd, packed.data(), v.data(), hd, lens.data(), rows, scale, got.data(),
                   hd, scores.data());
  const std::vector<float> want = naive_attention(q, k, v, hd, lens, scale);
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 1e-5f) << "head_dim " << hd << ", row " << i / hd;
}

TEST(CpuAttention, BlockedRowsMatchSoftmaxAttention) {
  for (int64_t hd : {1, 7, 20, 64, 80, 128}) {
    // Causal prompt rows: 16 from position 0, 13 from 40 (a short tile).
    std::vector<int64_t> causal(16), later(13);
    for (int64_t i = 0; i < 16; ++i) causal[static_cast<size_t>(i)] = i + 1;
    for (int64_t i = 0; i < 13; ++i) later[static_cast<size_t>(i)] = 41 + i;
    check(hd, causal);
    check(hd, later);
    // Rows in no order, lengths far apart within a tile.
    check(hd, {70, 1, 33, 16, 17, 5});
    check(hd, {3});
  }
}

}  // namespace
}  // namespace odin::test
