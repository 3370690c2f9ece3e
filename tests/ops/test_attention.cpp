// ATTENTION's values narrower than its keys, and values read from the K
// cache (no v, no V cache: multi-head latent attention's latent stored
// once), against the plain path with the same numbers.
#include <gtest/gtest.h>

#include <cmath>

#include "infer_helpers.h"
#include "kernels/reference/reference.h"

namespace odin {
namespace {

using test::buf;
using test::out_buf;

constexpr int64_t kRows = 3, kCtx = 4, kHeads = 2, kHd = 8, kDv = 5;

std::vector<float> wave(int64_t n, float f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    v[static_cast<size_t>(i)] = std::sin(f * static_cast<float>(i + 1));
  return v;
}

struct Case {
  test::Buf<float> q = buf<float>(Shape({kRows, kHeads* kHd}), wave(kRows* kHeads* kHd, 0.7f));
  test::Buf<float> k = buf<float>(Shape({kRows, kHd}), wave(kRows* kHd, 1.3f));
  test::Buf<int32_t> pos = buf<int32_t>(Shape({kRows}), {0, 1, 2});
};

// The plain path: v = k, caches of head_dim; each head's output of kHd.
std::vector<float> plain(const Case& c) {
  auto kc = out_buf<float>(Shape({1, kCtx, kHd})), vc = out_buf<float>(Shape({1, kCtx, kHd}));
  auto out = out_buf<float>(Shape({kRows, kHeads * kHd}));
  const AttentionAttrs a{kHeads, 1, kHd, 0.25f};
  EXPECT_TRUE(ref::attention(a, c.q.view(), c.k.view(), c.k.view(), c.pos.view(), kc.view(),
                             vc.view(), out.mut())
                  .ok());
  return out.data;
}

TEST(Attention, ValuesFromTheKCacheAreItsRowsLeadingValues) {
  const Case c;
  const std::vector<float> want = plain(c);
  auto kc = out_buf<float>(Shape({1, kCtx, kHd}));
  auto out = out_buf<float>(Shape({kRows, kHeads * kDv}));
  const AttentionAttrs a{kHeads, 1, kHd, 0.25f, kDv};
  ASSERT_TRUE(ref::attention(a, c.q.view(), c.k.view(), ConstTensorView{}, c.pos.view(), kc.view(),
                             ConstTensorView{}, out.mut())
                  .ok());
  for (int64_t i = 0; i < kRows; ++i)
    for (int64_t h = 0; h < kHeads; ++h)
      for (int64_t d = 0; d < kDv; ++d)
        EXPECT_FLOAT_EQ(out.data[static_cast<size_t>((i * kHeads + h) * kDv + d)],
                        want[static_cast<size_t>((i * kHeads + h) * kHd + d)])
            << i << " " << h << " " << d;
}

TEST(Attention, NarrowValuesWithTheirOwnCache) {
  const Case c;
  const std::vector<float> want = plain(c);
  std::vector<float> v;
  for (int64_t i = 0; i < kRows; ++i)
    for (int64_t d = 0; d < kDv; ++d) v.push_back(c.k.data[static_cast<size_t>(i * kHd + d)]);
  const auto vb = buf<float>(Shape({kRows, kDv}), v);
  auto kc = out_buf<float>(Shape({1, kCtx, kHd})), vc = out_buf<float>(Shape({1, kCtx, kDv}));
  auto out = out_buf<float>(Shape({kRows, kHeads * kDv}));
  const AttentionAttrs a{kHeads, 1, kHd, 0.25f, kDv};
  ASSERT_TRUE(ref::attention(a, c.q.view(), c.k.view(), vb.view(), c.pos.view(), kc.view(),
                             vc.view(), out.mut())
                  .ok());
  for (int64_t i = 0; i < kRows; ++i)
    for (int64_t h = 0; h < kHeads; ++h)
      for (int64_t d = 0; d < kDv; ++d)
        EXPECT_FLOAT_EQ(out.data[static_cast<size_t>((i * kHeads + h) * kDv + d)],
                        want[static_cast<size_t>((i * kHeads + h) * kHd + d)]);
}

TEST(Attention, ValuesFromTheKCacheCannotBeWiderThanItsRows) {
  const Case c;
  auto kc = out_buf<float>(Shape({1, kCtx, kHd}));
  auto out = out_buf<float>(Shape({kRows, kHeads * (kHd + 1)}));
  const AttentionAttrs a{kHeads, 1, kHd, 0.25f, kHd + 1};
  EXPECT_FALSE(ref::attention(a, c.q.view(), c.k.view(), ConstTensorView{}, c.pos.view(), kc.view(),
                              ConstTensorView{}, out.mut())
                   .ok());
}

}  // namespace
}  // namespace odin
