#include "kernels/cpu/conv2d.h"

#include <algorithm>
#include <cstring>

namespace odin::cpu {

GemmConv::GemmConv(const ConvShape& s, const float* filter, const float* bias, Clamp clamp,
                   int num_threads, WeightArena* arena, SharedScratch* scratch, const float* alpha)
    : s_(s), clamp_(clamp), scratch_(scratch ? scratch : &own_scratch_) {
  const int64_t k = s.k_h * s.k_w * s.in_c;
  w_ = pack_weights(filter, bias, s.out_c, k, arena, alpha);
  direct_ = s.k_h == 1 && s.k_w == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 &&
            s.pad_left == 0 && s.out_h == s.in_h && s.out_w == s.in_w;
  tile_ = gemm_tile_rows(w_);
  if (!direct_) {
    scratch_per_thread_ = tile_ * k;
    scratch_->reserve(static_cast<size_t>(std::max(1, num_threads) * scratch_per_thread_));
  }
}

inline void copy_floats(float* dst, const float* src, int64_t n) {
  std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

inline void zero_floats(float* dst, int64_t n) {
  std::memset(dst, 0, static_cast<size_t>(n) * sizeof(float));
}

// Rows [m0, m0+rows) of the im2col matrix: output pixel m's receptive field
// in (ky, kx, c) order, the OHWI filter's order; zeros outside the input.
void GemmConv::im2col(const float* in, int64_t m0, int64_t rows, float* dst) const {
  const int64_t c = s_.in_c, k = s_.k_h * s_.k_w * c, span = s_.k_w * c;
  int64_t ox = m0 % s_.out_w, oy = (m0 / s_.out_w) % s_.out_h, n = m0 / (s_.out_w * s_.out_h);
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t iy0 = oy * s_.stride_h - s_.pad_top, ix0 = ox * s_.stride_w - s_.pad_left;
    float* d = dst + r * k;
    const float* img = in + n * s_.in_h * s_.in_w * c;
    const bool x_inside = ix0 >= 0 && ix0 + (s_.k_w - 1) * s_.dilation_w < s_.in_w;
    for (int64_t ky = 0; ky < s_.k_h; ++ky, d += span) {
      const int64_t iy = iy0 + ky * s_.dilation_h;
      if (iy < 0 || iy >= s_.in_h) {
        zero_floats(d, span);
        continue;
      }
      const float* src = img + (iy * s_.in_w) * c;
      if (x_inside && s_.dilation_w == 1) {  // the row's taps are contiguous in NHWC
        copy_floats(d, src + ix0 * c, span);
        continue;
      }
      for (int64_t kx = 0; kx < s_.k_w; ++kx) {
        const int64_t ix = ix0 + kx * s_.dilation_w;
        if (ix < 0 || ix >= s_.in_w)
          zero_floats(d + kx * c, c);
        else
          copy_floats(d + kx * c, src + ix * c, c);
      }
    }
    if (++ox == s_.out_w) {  // next output pixel, without divisions
      ox = 0;
      if (++oy == s_.out_h) {
        oy = 0;
        ++n;
      }
    }
  }
}

void GemmConv::run(const float* in, float* out, ThreadPool& pool, const float* addend) {
  // Rows r0.. of the addend, laid out like out.
  auto add_at = [&](int64_t r0) { return addend ? addend + r0 * s_.out_c : nullptr; };
  const int64_t k = w_.k;
  // Grain: enough tiles per chunk that a split pays for its hand-off.
  const int64_t grain = pool.grain_for(static_cast<double>(tile_ * k * s_.out_c) * kGemmNsPerMac);
  if (direct_) {  // 1x1: the image is the A matrix
    const int64_t m = s_.batch * s_.out_h * s_.out_w;
    // Tiles of near-equal size (49 rows: 7 x 7, not 6 x 8 + 1).
    const int64_t tiles = (m + tile_ - 1) / tile_;
    auto tile_begin = [&](int64_t t) { return t * m / tiles; };
    if (w_.bytes() > static_cast<size_t>(m * k) * sizeof(float)) {
      // More weights than image (late, small layers): each weight panel
      // once from memory, the small image re-read from cache per panel.
      const double per_panel = static_cast<double>(m * k * w_.nr) * kGemmNsPerMac;
      pool.parallel_for(w_.panels, pool.grain_for(per_panel), [&](int64_t p0, int64_t p1, int) {
        for (int64_t p = p0; p < p1; ++p)
          for (int64_t t = 0; t < tiles; ++t) {
            const int64_t r0 = tile_begin(t), rows = tile_begin(t + 1) - r0;
            gemm(rows, in + r0 * k, k, w_, p, p + 1, out + r0 * s_.out_c, s_.out_c, clamp_,
                 add_at(r0));
          }
      });
      return;
    }
    pool.parallel_for(tiles, grain, [&](int64_t t0, int64_t t1, int) {
      for (int64_t t = t0; t < t1; ++t) {
        const int64_t r0 = tile_begin(t), rows = tile_begin(t + 1) - r0;
        gemm(rows, in + r0 * k, k, w_, 0, w_.panels, out + r0 * s_.out_c, s_.out_c, clamp_,
             add_at(r0));
      }
    });
    return;
  }
  // Tiles of up to `tile_` pixels within one output row. A tile whose
  // windows lie inside the image reads them in place (filter rows are
  // contiguous runs in NHWC); border tiles gather them first (im2col).
  const int64_t per_row = (s_.out_w + tile_ - 1) / tile_;
  const int64_t c = s_.in_c;
  float* scratch = scratch_per_thread_ ? scratch_->get() : nullptr;
  pool.parallel_for(s_.batch * s_.out_h * per_row, grain, [&](int64_t t0, int64_t t1, int thread) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t row = t / per_row, ox0 = (t % per_row) * tile_;
      const int64_t rows = std::min(tile_, s_.out_w - ox0);
      const int64_t n = row / s_.out_h, oy = row % s_.out_h;
      const int64_t m0 = row * s_.out_w + ox0;
      float* dst = out + m0 * s_.out_c;
      const int64_t iy0 = oy * s_.stride_h - s_.pad_top;
      const int64_t ix_first = ox0 * s_.stride_w - s_.pad_left;
      const int64_t ix_last = (ox0 + rows - 1) * s_.stride_w - s_.pad_left + (s_.k_w - 1);
      const bool inside = s_.dilation_w == 1 && iy0 >= 0 &&
                          iy0 + (s_.k_h - 1) * s_.dilation_h < s_.in_h && ix_first >= 0 &&
                          ix_last < s_.in_w;
      if (inside) {
        const float* a = in + ((n * s_.in_h + iy0) * s_.in_w + ix_first) * c;
        gemm_segmented(rows, a, s_.stride_w * c, s_.k_h, s_.dilation_h * s_.in_w * c, w_, dst,
                       s_.out_c, clamp_, add_at(m0));
      } else {
        float* a = scratch + thread * scratch_per_thread_;
        im2col(in, m0, rows, a);
        gemm(rows, a, k, w_, 0, w_.panels, dst, s_.out_c, clamp_, add_at(m0));
      }
    }
  });
}

GemmFullyConnected::GemmFullyConnected(int64_t batch, int64_t units, int64_t depth,
                                       const float* weights, const float* bias, Clamp clamp,
                                       WeightArena* arena)
    : batch_(batch), depth_(depth), clamp_(clamp) {
  w_ = pack_weights(weights, bias, units, depth, arena);
}

void GemmFullyConnected::run(const float* in, int64_t batch, float* out, ThreadPool& pool) {
  // Batch 1 is a matrix-vector product: split the output columns (panels).
  const int64_t tile = gemm_tile_rows(w_);
  if (batch < tile) {
    const double per_panel = static_cast<double>(batch * depth_ * w_.nr) * kGemmNsPerMac;
    pool.parallel_for(w_.panels, pool.grain_for(per_panel), [&](int64_t p0, int64_t p1, int) {
      gemm(batch, in, depth_, w_, p0, p1, out, w_.n, clamp_);
    });
    return;
  }
  const int64_t tiles = (batch + tile - 1) / tile;
  const double per_tile = static_cast<double>(tile * depth_ * w_.n) * kGemmNsPerMac;
  pool.parallel_for(tiles, pool.grain_for(per_tile), [&](int64_t t0, int64_t t1, int) {
    const int64_t r0 = t0 * tile, rows = std::min(batch, t1 * tile) - r0;
    gemm(rows, in + r0 * depth_, depth_, w_, 0, w_.panels, out + r0 * w_.n, w_.n, clamp_);
  });
}

}  // namespace odin::cpu
