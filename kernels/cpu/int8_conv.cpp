#include "kernels/cpu/int8_conv.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace odin::cpu {

namespace {

// The largest |sum (x - zx)(w - wz)| of channel c (|x - zx| <= 255).
int64_t sum_bound(const Int8ConvParams& p, int64_t c) {
  const int64_t k = p.shape.k_h * p.shape.k_w * p.shape.in_c;
  const auto* f = static_cast<const uint8_t*>(p.filter) + c * k;
  const int32_t wz = p.filter_zero.empty() ? 0 : p.filter_zero[static_cast<size_t>(c)];
  int64_t weights = 0;
  for (int64_t i = 0; i < k; ++i) {
    const int32_t w = p.is_unsigned ? int32_t{f[i]} : int32_t{static_cast<int8_t>(f[i])};
    weights += std::abs(w - wz);
  }
  return 255 * weights;
}

// Whether some channel's sum plus its bias may leave int32 (the reference
// then clamps it).
bool bias_may_saturate(const Int8ConvParams& p) {
  for (int64_t c = 0; p.bias && c < p.shape.out_c; ++c)
    if (sum_bound(p, c) + std::abs(int64_t{p.bias[c]}) > std::numeric_limits<int32_t>::max())
      return true;
  return false;
}

}  // namespace

bool Int8Conv::sums_fit(const Int8ConvParams& p) {
  const ConvShape& s = p.shape;
  if (s.k_h * s.k_w * s.in_c > (int64_t{1} << 20)) return false;
  // The kernels' int32 sums wrap, so they end on the true value whatever
  // the order where that fits; the bias is added with saturation where it
  // may not (Int8Requant::bias_saturating).
  for (int64_t c = 0; c < s.out_c; ++c)
    if (sum_bound(p, c) > std::numeric_limits<int32_t>::max()) return false;
  return true;
}

Int8Conv::Int8Conv(const Int8ConvParams& p, int num_threads, WeightArena* arena,
                   SharedScratch* scratch)
    : s_(p.shape),
      unsigned_(p.is_unsigned),
      in_zero_(p.in_zero),
      scratch_(scratch ? scratch : &own_scratch_) {
  const int64_t k = s_.k_h * s_.k_w * s_.in_c;
  q_ = make_int8_requant(p.multiplier, p.out_zero, p.range, p.is_unsigned, p.rounding);
  // Saturating: the bias apart from the zero-point terms folded below.
  std::vector<int32_t>& bias = bias_may_saturate(p) ? q_.bias_saturating : q_.bias;
  if (&bias == &q_.bias_saturating) bias.assign(q_.bias.size(), 0);
  for (int64_t c = 0; p.bias && c < s_.out_c; ++c) bias[static_cast<size_t>(c)] = p.bias[c];
  const Int8Layout layout =
      !p.is_unsigned && int8_gemm_has_vnni() ? Int8Layout::kU8S8 : Int8Layout::kS16;
  const bool one_by_one = s_.k_h == 1 && s_.k_w == 1;
  // Window rows padded to whole groups: worth it unless that adds over a third.
  const int64_t row_groups = (s_.k_w * s_.in_c + 3) / 4;
  indirect_ = layout == Int8Layout::kU8S8 && !one_by_one && s_.dilation_h == 1 &&
              s_.dilation_w == 1 && 3 * s_.k_h * row_groups * 4 <= 4 * k;
  if (indirect_) {
    // OHWI rows of k_w * in_c bytes, each padded with zero weights.
    const int64_t row = s_.k_w * s_.in_c, k_rows = s_.k_h * row_groups * 4;
    std::vector<uint8_t> padded(static_cast<size_t>(s_.out_c * k_rows), 0);
    const auto* f = static_cast<const uint8_t*>(p.filter);
    for (int64_t o = 0; o < s_.out_c; ++o)
      for (int64_t ky = 0; ky < s_.k_h; ++ky)
        std::memcpy(&padded[static_cast<size_t>((o * s_.k_h + ky) * row_groups * 4)],
                    f + (o * s_.k_h + ky) * row, static_cast<size_t>(row));
    w_ = pack_int8_weights(layout, padded.data(), false, p.filter_zero, s_.out_c, k_rows, p.in_zero,
                           &q_.bias, arena);
    padded_h_ = (s_.out_h - 1) * s_.stride_h + s_.k_h;
    padded_w_ = (s_.out_w - 1) * s_.stride_w + s_.k_w;
    for (int64_t ky = 0; ky < s_.k_h; ++ky)
      for (int64_t g = 0; g < row_groups; ++g)
        group_offsets_.push_back(static_cast<int32_t>(ky * padded_w_ * s_.in_c + 4 * g));
  } else {
    w_ = pack_int8_weights(layout, p.filter, p.is_unsigned, p.filter_zero, s_.out_c, k, p.in_zero,
                           &q_.bias, arena);
  }
  const auto elem = static_cast<int64_t>(elem_bytes());
  direct_ = one_by_one && s_.stride_h == 1 && s_.stride_w == 1 && s_.pad_top == 0 &&
            s_.pad_left == 0 && s_.out_h == s_.in_h && s_.out_w == s_.in_w && w_.k_pad == s_.in_c;
  // The padded copy; its last window's last group reads up to 3 bytes past.
  const int64_t image_bytes = indirect_ ? s_.batch * padded_h_ * padded_w_ * s_.in_c + 64
                                        : s_.batch * s_.in_h * s_.in_w * s_.in_c * elem;
  // Whole cache lines, and one more: im2col copies short runs as whole
  // 16- or 32-byte blocks (reading and writing up to 31 bytes past them).
  image_floats_ = (image_bytes + 63) / 64 * 16 + 16;
  scratch_floats_ =
      direct_ || indirect_ ? 0 : (kInt8TileRows * w_.k_pad * elem + 63) / 64 * 16 + 16;
  scratch_->reserve(
      static_cast<size_t>(image_floats_ + std::max(1, num_threads) * scratch_floats_));
}

template <typename D, typename S>
void Int8Conv::convert(const S* in, int64_t n, D* dst, int32_t offset) {
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<D>(int32_t{in[i]} + offset);
}

// int8 + 128 as uint8: the sign bit flipped, a byte loop compilers vectorize
// whole (the generic one widens every byte to int32 and back).
void Int8Conv::flip(const int8_t* in, int64_t n, uint8_t* dst) {
  const auto* src = reinterpret_cast<const uint8_t*>(in);
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<uint8_t>(src[i] ^ 0x80u);
}

// Elements [i0, i1) of the image in the layout's values: int8 + 128 as
// uint8 (kU8S8), x - zx as int16 (kS16).
void Int8Conv::convert_image(const void* in, int64_t i0, int64_t i1, void* img) const {
  if (w_.layout == Int8Layout::kU8S8)
    return flip(static_cast<const int8_t*>(in) + i0, i1 - i0, static_cast<uint8_t*>(img) + i0);
  if (unsigned_)
    return convert(static_cast<const uint8_t*>(in) + i0, i1 - i0, static_cast<int16_t*>(img) + i0,
                   -in_zero_);
  convert(static_cast<const int8_t*>(in) + i0, i1 - i0, static_cast<int16_t*>(img) + i0, -in_zero_);
}

// Rows [m0, m0 + rows) of the im2col matrix of the converted image, in
// (ky, kx, c) order (the OHWI filter's): `pad` outside the image (the
// input zero point's value), zeros up to k_pad.
template <typename D>
void Int8Conv::im2col(const D* img, int64_t m0, int64_t rows, D* dst, D pad) const {
  const int64_t c = s_.in_c, k_pad = w_.k_pad, span = s_.k_w * c;
  int64_t ox = m0 % s_.out_w, oy = (m0 / s_.out_w) % s_.out_h, n = m0 / (s_.out_w * s_.out_h);
  for (int64_t r = 0; r < rows; ++r) {
    D* d = dst + r * k_pad;
    const D* image = img + n * s_.in_h * s_.in_w * c;
    const int64_t iy0 = oy * s_.stride_h - s_.pad_top, ix0 = ox * s_.stride_w - s_.pad_left;
    const bool x_inside =
        s_.dilation_w == 1 && ix0 >= 0 && ix0 + (s_.k_w - 1) * s_.dilation_w < s_.in_w;
    for (int64_t ky = 0; ky < s_.k_h; ++ky, d += span) {
      const int64_t iy = iy0 + ky * s_.dilation_h;
      if (iy < 0 || iy >= s_.in_h) {
        std::fill(d, d + span, pad);
        continue;
      }
      const D* src = image + iy * s_.in_w * c;
      if (x_inside) {  // the row's taps are contiguous in NHWC
        // Short runs as one fixed-size block: the bytes past the run are
        // overwritten by the next run, the zeros up to k_pad or the next row.
        const auto bytes = static_cast<size_t>(span) * sizeof(D);
        if (bytes <= 16)
          std::memcpy(d, src + ix0 * c, 16);
        else if (bytes <= 32)
          std::memcpy(d, src + ix0 * c, 32);
        else
          std::copy(src + ix0 * c, src + ix0 * c + span, d);
        continue;
      }
      for (int64_t kx = 0; kx < s_.k_w; ++kx) {
        const int64_t ix = ix0 + kx * s_.dilation_w;
        if (ix < 0 || ix >= s_.in_w)
          std::fill(d + kx * c, d + (kx + 1) * c, pad);
        else
          std::copy(src + ix * c, src + (ix + 1) * c, d + kx * c);
      }
    }
    for (D* end = dst + (r + 1) * k_pad; d < end; ++d) *d = D{0};
    if (++ox == s_.out_w) {  // next output pixel, without divisions
      ox = 0;
      if (++oy == s_.out_h) {
        oy = 0;
        ++n;
      }
    }
  }
}

void Int8Conv::pack_tile(const void* img, int64_t m0, int64_t rows, void* dst) const {
  if (w_.layout == Int8Layout::kU8S8)
    return im2col(static_cast<const uint8_t*>(img), m0, rows, static_cast<uint8_t*>(dst),
                  static_cast<uint8_t>(in_zero_ + 128));
  im2col(static_cast<const int16_t*>(img), m0, rows, static_cast<int16_t*>(dst), int16_t{0});
}

// Padded rows [r0, r1) of batch * padded_h_: int8 + 128 as uint8, the
// zero point's value outside the image.
void Int8Conv::convert_padded(const void* in, int64_t r0, int64_t r1, uint8_t* img) const {
  const auto pad = static_cast<uint8_t>(in_zero_ + 128);
  const int64_t c = s_.in_c, row_bytes = padded_w_ * c;
  const int64_t x0 = std::min(padded_w_, s_.pad_left);
  const int64_t x1 = std::max(x0, std::min(padded_w_, s_.pad_left + s_.in_w));
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t n = r / padded_h_, iy = r % padded_h_ - s_.pad_top;
    uint8_t* dst = img + r * row_bytes;
    if (iy < 0 || iy >= s_.in_h) {
      std::memset(dst, pad, static_cast<size_t>(row_bytes));
      continue;
    }
    std::memset(dst, pad, static_cast<size_t>(x0 * c));
    const auto* src =
        static_cast<const int8_t*>(in) + ((n * s_.in_h + iy) * s_.in_w + (x0 - s_.pad_left)) * c;
    flip(src, (x1 - x0) * c, dst + x0 * c);
    std::memset(dst + x1 * c, pad, static_cast<size_t>((padded_w_ - x1) * c));
  }
}

void Int8Conv::run_indirect(const void* in, uint8_t* img, uint8_t* out, ThreadPool& pool) const {
  const int64_t rows = s_.batch * padded_h_;
  pool.parallel_for(rows, std::max<int64_t>(1, (int64_t{1} << 14) / (padded_w_ * s_.in_c)),
                    [&](int64_t r0, int64_t r1, int) { convert_padded(in, r0, r1, img); });
  const int64_t m = s_.batch * s_.out_h * s_.out_w;
  const int64_t tiles = (m + kInt8TileRows - 1) / kInt8TileRows;
  const int64_t per_item = std::max<int64_t>(1, kInt8TileRows * w_.k * s_.out_c);
  const int64_t grain = std::max<int64_t>(1, (int64_t{1} << 16) / per_item);
  // Up to 4 tiles per GEMM call while their windows' bytes stay within
  // 16 KB (in L1 across the panels): the call sets up the tables once.
  constexpr int64_t kMaxTiles = 4;
  const int64_t per_call =
      std::clamp<int64_t>((int64_t{1} << 14) / (kInt8TileRows * w_.k_pad), 1, kMaxTiles);
  pool.parallel_for(tiles, grain, [&](int64_t t0, int64_t t1, int) {
    const uint8_t* windows[kMaxTiles * kInt8TileRows];
    for (int64_t t = t0; t < t1; t += per_call) {
      const int64_t m0 = t * kInt8TileRows;
      const int64_t count = std::min(std::min(t1 - t, per_call) * kInt8TileRows, m - m0);
      int64_t ox = m0 % s_.out_w, oy = m0 / s_.out_w % s_.out_h, n = m0 / (s_.out_w * s_.out_h);
      for (int64_t i = 0; i < count; ++i) {  // each output pixel's window, without divisions
        windows[i] =
            img + ((n * padded_h_ + oy * s_.stride_h) * padded_w_ + ox * s_.stride_w) * s_.in_c;
        if (++ox == s_.out_w) {
          ox = 0;
          if (++oy == s_.out_h) {
            oy = 0;
            ++n;
          }
        }
      }
      int8_gemm_indirect(count, windows, group_offsets_.data(), w_, 0, w_.panels, q_,
                         out + m0 * s_.out_c, s_.out_c);
    }
  });
}

void Int8Conv::run(const void* in, void* out, ThreadPool& pool) {
  float* scratch = scratch_->get();
  if (indirect_)
    return run_indirect(in, reinterpret_cast<uint8_t*>(scratch), static_cast<uint8_t*>(out), pool);
  void* img = scratch;
  const int64_t m = s_.batch * s_.out_h * s_.out_w;
  const int64_t tiles = (m + kInt8TileRows - 1) / kInt8TileRows;
  // Few tiles (FULLY_CONNECTED, the last small layers): split the weight
  // panels too, each chunk gathering its own copy of the tile.
  const int64_t threads = pool.num_threads();
  const int64_t chunks = tiles >= 2 * threads ? 1 : std::min(w_.panels, 2 * threads);
  const int64_t items = tiles * chunks;
  // A 1x1 layer's tile reads only its own pixels: each tile converts them
  // itself (no pass over the image and no join before the GEMM). Windows
  // reach into other tiles' pixels: the image is converted first.
  const bool convert_per_tile = direct_ && chunks == 1;
  if (!convert_per_tile) {
    const int64_t elems = s_.batch * s_.in_h * s_.in_w * s_.in_c;
    pool.parallel_for(elems, int64_t{1} << 14,
                      [&](int64_t i0, int64_t i1, int) { convert_image(in, i0, i1, img); });
  }
  // Grain: enough items per job chunk that it does ~64k MACs.
  const int64_t per_item = std::max<int64_t>(1, kInt8TileRows * w_.k * s_.out_c / chunks);
  const int64_t grain = std::max<int64_t>(1, (int64_t{1} << 16) / per_item);
  const auto elem = static_cast<int64_t>(elem_bytes());
  auto* y = static_cast<uint8_t*>(out);
  pool.parallel_for(items, grain, [&](int64_t i0, int64_t i1, int thread) {
    if (convert_per_tile) {
      // The image is A itself: the chunk's tiles in calls of up to 16 KB of
      // A (which stays in L1 across the panels), each setting up a panel's
      // tables once for all its rows.
      const int64_t step =
          std::max<int64_t>(1, (int64_t{1} << 14) / (kInt8TileRows * w_.k_pad)) * kInt8TileRows;
      for (int64_t m0 = i0 * kInt8TileRows, end = std::min(m, i1 * kInt8TileRows); m0 < end;
           m0 += step) {
        const int64_t rows = std::min(step, end - m0);
        convert_image(in, m0 * s_.in_c, (m0 + rows) * s_.in_c, img);
        int8_gemm(rows, static_cast<const uint8_t*>(img) + m0 * w_.k_pad * elem, w_, 0, w_.panels,
                  q_, y + m0 * s_.out_c, s_.out_c);
      }
      return;
    }
    auto* tile = reinterpret_cast<uint8_t*>(scratch + image_floats_ + thread * scratch_floats_);
    for (int64_t i = i0; i < i1; ++i) {
      const int64_t t = i / chunks, chunk = i % chunks;
      const int64_t m0 = t * kInt8TileRows, rows = std::min(kInt8TileRows, m - m0);
      const int64_t p0 = chunk * w_.panels / chunks, p1 = (chunk + 1) * w_.panels / chunks;
      const void* a = static_cast<const uint8_t*>(img) + m0 * w_.k_pad * elem;
      if (!direct_) {
        pack_tile(img, m0, rows, tile);
        a = tile;
      }
      int8_gemm(rows, a, w_, p0, p1, q_, y + m0 * s_.out_c, s_.out_c);
    }
  });
}

}  // namespace odin::cpu
