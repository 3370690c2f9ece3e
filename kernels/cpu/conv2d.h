// CONV_2D (groups = 1) and FULLY_CONNECTED on the packed GEMM microkernel.
// A 1x1, stride-1, unpadded convolution reads the input as the A matrix
// directly; every other shape gathers MR output pixels' receptive fields
// (im2col, zeros for padding) into a small per-thread buffer first.
#pragma once

#include <vector>

#include "core/thread_pool.h"
#include "kernels/cpu/cpu_kernels.h"

namespace odin::cpu {

struct ConvShape {
  int64_t batch = 1, in_h = 0, in_w = 0, in_c = 0;
  int64_t out_h = 0, out_w = 0, out_c = 0;
  int64_t k_h = 1, k_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;  // any amount (SAME padding plus a folded PAD)
};

// A CONV_2D node's shape: NHWC `in` -> `out`, OHWI filter `f`, its attributes
// and the padding before each spatial axis.
inline ConvShape conv_shape(const Shape& in, const Shape& out, const Shape& f, const Conv2DAttrs& a,
                            int64_t pad_top, int64_t pad_left) {
  return {in[0], in[1],      in[2],      in[3],        out[1],       out[2],  out[3],  f[1],
          f[2],  a.stride_h, a.stride_w, a.dilation_h, a.dilation_w, pad_top, pad_left};
}

class GemmConv {
 public:
  // filter: OHWI [out_c][k_h][k_w][in_c]; bias: [out_c] or null. The
  // im2col buffers come from `scratch` when given (else owned). `alpha`:
  // [out_c] slopes of a fused PRELU (after the clamp), or null.
  GemmConv(const ConvShape& s, const float* filter, const float* bias, Clamp clamp, int num_threads,
           WeightArena* arena = nullptr, SharedScratch* scratch = nullptr,
           const float* alpha = nullptr);
  GemmConv(const GemmConv&) = delete;  // scratch_ may point at own_scratch_
  GemmConv& operator=(const GemmConv&) = delete;
  // `addend` (like out, or null): a fused residual added before the clamp.
  void run(const float* in, float* out, ThreadPool& pool, const float* addend = nullptr);
  size_t packed_bytes() const { return w_.bytes(); }
  bool direct() const { return direct_; }

 private:
  void im2col(const float* in, int64_t m0, int64_t rows, float* dst) const;

  ConvShape s_;
  Clamp clamp_;
  PackedWeights w_;
  bool direct_ = false;
  int64_t tile_ = 8;
  int64_t scratch_per_thread_ = 0;  // floats: tile rows x K
  SharedScratch own_scratch_;
  SharedScratch* scratch_ = nullptr;
};

// FULLY_CONNECTED: out[b, n] = clamp(in[b, :] . w[n, :] + bias[n]).
class GemmFullyConnected {
 public:
  GemmFullyConnected(int64_t batch, int64_t units, int64_t depth, const float* weights,
                     const float* bias, Clamp clamp, WeightArena* arena = nullptr);
  void run(const float* in, float* out, ThreadPool& pool) { run(in, batch_, out, pool); }
  // The first `batch` rows (at most the constructed batch: rows set per run).
  void run(const float* in, int64_t batch, float* out, ThreadPool& pool);
  size_t packed_bytes() const { return w_.bytes(); }

 private:
  int64_t batch_, depth_;
  Clamp clamp_;
  PackedWeights w_;
};

}  // namespace odin::cpu
