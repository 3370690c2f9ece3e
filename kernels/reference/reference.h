// Reference kernels: plain loops that are obviously right. They are the
// oracle every optimized and GPU kernel is tested against, so clarity beats
// speed here. Every kernel writes only into its caller-owned output views.
// Arithmetic is float32; data-movement ops work on any element size.
// An absent optional input is passed as an empty view (data == nullptr).
// Each file also defines `<op>_node(const KernelArgs&)`, the entry its op's
// definition (src/ops/<op>.cpp) registers; tests call the typed functions.
#pragma once

#include <span>
#include <vector>

#include "core/graph.h"
#include "core/tensor.h"

namespace odin::ref {

// Elementwise. `fn` is an arithmetic BinaryFn (PRELU has its own kernel).
Status binary(BinaryFn fn, Activation activation, const ConstTensorView& a,
              const ConstTensorView& b, const TensorView& out);
// `leaky_alpha` is LEAKY_RELU's slope for negative inputs.
Status unary(UnaryFn fn, const ConstTensorView& in, const TensorView& out,
             float leaky_alpha = 0.2f);
Status prelu(const ConstTensorView& in, const ConstTensorView& alpha, const TensorView& out);
Status dequantize(const ConstTensorView& in, const QuantParams* quant, const TensorView& out);
// `in` is the sparse constant's stored values; `sparsity` its format.
Status densify(const ConstTensorView& in, const SparsityParams& sparsity, const TensorView& out);

// Convolutions and matrix products.
// `addend` (optional, the output's shape) is added before the activation;
// `alpha` (optional, one float32 per output channel: a fused PRELU) scales
// negative results after it.
Status conv2d(const Conv2DAttrs& attrs, const ConstTensorView& in, const ConstTensorView& filter,
              const ConstTensorView& bias, const TensorView& out,
              const ConstTensorView& addend = {}, const ConstTensorView& alpha = {});
Status depthwise_conv2d(const DepthwiseConv2DAttrs& attrs, const ConstTensorView& in,
                        const ConstTensorView& filter, const ConstTensorView& bias,
                        const TensorView& out, const ConstTensorView& alpha = {});
// Input NDHWC, filter DHWIO [kd, kh, kw, in_c, out_c].
Status conv3d(const Conv3DAttrs& attrs, const ConstTensorView& in, const ConstTensorView& filter,
              const ConstTensorView& bias, const TensorView& out);
// Filter is OHWI; out's shape is already known (from output_shape).
Status transpose_conv(const TransposeConvAttrs& attrs, const ConstTensorView& in,
                      const ConstTensorView& filter, const ConstTensorView& bias,
                      const TensorView& out);
// Weights may be any weight dtype (F32, F16, BF16, block formats: LLM matrices).
Status fully_connected(const FullyConnectedAttrs& attrs, const ConstTensorView& in,
                       const ConstTensorView& weights, const ConstTensorView& bias,
                       const TensorView& out);

// LLM ops (src/ops/{embedding,rms_norm,rope,attention,swiglu}.cpp).
Status embedding(const ConstTensorView& table, const ConstTensorView& ids, const TensorView& out);
Status rms_norm(const RmsNormAttrs& attrs, const ConstTensorView& in, const ConstTensorView& weight,
                const TensorView& out);
Status rope(const RopeAttrs& attrs, const ConstTensorView& in, const ConstTensorView& positions,
            const TensorView& out);
// Writes k and v into the caches (persistent state) before attending.
Status attention(const AttentionAttrs& attrs, const ConstTensorView& q, const ConstTensorView& k,
                 const ConstTensorView& v, const ConstTensorView& positions,
                 const ConstTensorView& k_cache, const ConstTensorView& v_cache,
                 const TensorView& out);
Status swiglu(const ConstTensorView& gate, const ConstTensorView& up, const TensorView& out);
Status batch_matmul(const BatchMatMulAttrs& attrs, const ConstTensorView& x,
                    const ConstTensorView& y, const TensorView& out);

// Pooling and reductions.
Status average_pool2d(const Pool2DAttrs& attrs, const ConstTensorView& in, const TensorView& out);
Status max_pool2d(const Pool2DAttrs& attrs, const ConstTensorView& in, const TensorView& out);
// MEAN (`mean`) or SUM; axes are the reduction axes (may be negative or repeated).
Status reduce(bool mean, const ConstTensorView& in, const ConstTensorView& axes,
              const TensorView& out);
Status softmax(const SoftmaxAttrs& attrs, const ConstTensorView& in, const TensorView& out);
// int8/uint8 SOFTMAX's exp table: table[d] = exp(-input_scale * beta * d) for
// the distance d = max - q (shared with the GPU kernels so they match).
void softmax_exp_table(float input_scale, float beta, float table[256]);

// Data movement.
Status concatenation(const ConcatenationAttrs& attrs, std::span<const ConstTensorView> ins,
                     const TensorView& out);
// `fill` is the padding's byte (an int8/uint8 zero point; 0: zeros).
Status pad(const ConstTensorView& in, const ConstTensorView& paddings, const TensorView& out,
           uint8_t fill = 0);
// RESHAPE and SQUEEZE: a copy of the bytes (shapes were checked by inference).
Status copy(const ConstTensorView& in, const TensorView& out);
Status transpose(const ConstTensorView& in, const ConstTensorView& perm, const TensorView& out);
Status strided_slice(const StridedSliceAttrs& attrs, const ConstTensorView& in,
                     const ConstTensorView& begin, const ConstTensorView& end,
                     const ConstTensorView& strides, const TensorView& out);
Status slice(const ConstTensorView& in, const ConstTensorView& begin, const ConstTensorView& size,
             const TensorView& out);
Status gather(const GatherAttrs& attrs, const ConstTensorView& params,
              const ConstTensorView& indices, const TensorView& out);
// GATHER_ND: slices of params at the index tuples in indices' last dim.
Status gather_nd(const ConstTensorView& params, const ConstTensorView& indices,
                 const TensorView& out);
Status resize_bilinear(const ResizeAttrs& attrs, const ConstTensorView& in, const TensorView& out);
// The source coordinates of TFLite's int8/uint8 RESIZE_BILINEAR
// (ResizeBilinearInteger) along one axis, per output index: src in 1/1024
// of a pixel, its two neighbours (the weight of hi is src - 1024 lo).
struct ResizeSampleQ10 {
  int64_t src = 0, lo = 0, hi = 0;
};
std::vector<ResizeSampleQ10> resize_samples_q10(const ResizeAttrs& attrs, int64_t in, int64_t out);
// The GPU kernels' form of them: (lo, hi, fraction in 1/1024) per output
// row, then per output column, as int32.
std::vector<int32_t> resize_sample_table_q10(const ResizeAttrs& attrs, int64_t in_h, int64_t out_h,
                                             int64_t in_w, int64_t out_w);
Status resize_nearest(const ResizeAttrs& attrs, const ConstTensorView& in, const TensorView& out);
Status depth_to_space(const BlockAttrs& attrs, const ConstTensorView& in, const TensorView& out);
Status space_to_depth(const BlockAttrs& attrs, const ConstTensorView& in, const TensorView& out);

}  // namespace odin::ref
