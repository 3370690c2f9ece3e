// CONV_2D (groups = 1) and FULLY_CONNECTED on int8/uint8 through the int8
// GEMM (int8_kernels.h). Each run converts the image once into the packed
// layout's values (x + 128 or x - zx); a 1x1 convolution whose channels
// fill whole groups reads that as its A matrix. Other windows, on the VNNI
// layout: the image is converted into a copy with its padding in place and
// the GEMM reads each window there (int8_gemm_indirect), every row of the
// window padded to whole 4-byte groups with zero weights (used where that
// adds at most a third more products, e.g. 3x3x3 windows: 3 x 12 for 27).
// Else a tile of 32 output pixels' receptive fields is gathered (im2col,
// the zero point's value for padding) into a per-thread buffer.
#pragma once

#include <vector>

#include "core/thread_pool.h"
#include "kernels/cpu/conv2d.h"
#include "kernels/cpu/int8_kernels.h"

namespace odin::cpu {

struct Int8ConvParams {
  ConvShape shape;
  bool is_unsigned = false;          // uint8 input, weights and output (else int8)
  const void* filter = nullptr;      // OHWI [out_c][k_h][k_w][in_c]
  std::vector<int32_t> filter_zero;  // per output channel
  const int32_t* bias = nullptr;     // [out_c] or null
  int32_t in_zero = 0;
  std::vector<FixedPointMultiplier> multiplier;  // per output channel
  int32_t out_zero = 0;
  QuantizedRange range;  // the fused activation's
  Int8Rounding rounding = Int8Rounding::kFloat;
};

class Int8Conv {
 public:
  // Whether every sum of the layer fits in int32 (the kernels' sums; the
  // reference sums in int64 and saturates, which no real layer needs).
  static bool sums_fit(const Int8ConvParams& p);
  Int8Conv(const Int8ConvParams& p, int num_threads, WeightArena* arena = nullptr,
           SharedScratch* scratch = nullptr);
  Int8Conv(const Int8Conv&) = delete;  // scratch_ may point at own_scratch_
  Int8Conv& operator=(const Int8Conv&) = delete;
  // in: NHWC image(s) of the shape; out: [batch, out_h, out_w, out_c].
  void run(const void* in, void* out, ThreadPool& pool);
  size_t packed_bytes() const { return w_.bytes(); }
  Int8Layout layout() const { return w_.layout; }

 private:
  template <typename D, typename S>
  static void convert(const S* in, int64_t n, D* dst, int32_t offset);
  static void flip(const int8_t* in, int64_t n, uint8_t* dst);
  void convert_image(const void* in, int64_t i0, int64_t i1, void* img) const;
  template <typename D>
  void im2col(const D* img, int64_t m0, int64_t rows, D* dst, D pad) const;
  void convert_padded(const void* in, int64_t r0, int64_t r1, uint8_t* img) const;
  void run_indirect(const void* in, uint8_t* img, uint8_t* out, ThreadPool& pool) const;
  void pack_tile(const void* img, int64_t m0, int64_t rows, void* dst) const;
  size_t elem_bytes() const { return w_.layout == Int8Layout::kU8S8 ? 1 : 2; }

  ConvShape s_;
  bool unsigned_;
  int32_t in_zero_;
  Int8PackedWeights w_;
  Int8Requant q_;
  bool direct_ = false;  // the image is the A matrix
  // Indirect windows: the padded image's height and width, and each
  // 4-byte group's offset from a window's first byte.
  bool indirect_ = false;
  int64_t padded_h_ = 0, padded_w_ = 0;
  std::vector<int32_t> group_offsets_;
  int64_t image_floats_ = 0;    // scratch for the converted image
  int64_t scratch_floats_ = 0;  // per thread
  SharedScratch own_scratch_;
  SharedScratch* scratch_ = nullptr;
};

}  // namespace odin::cpu
