// Reference FULLY_CONNECTED: out[b, n] = act(sum_k in[b, k] * w[n, k] + bias[n])
// with the input flattened to [numel / K, K] (TFLite reference_ops::FullyConnected).
// keep_num_dims only changes the output's shape, not its layout.
#include <span>
#include <vector>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "quant/weight_rows.h"

namespace odin::ref {

Status fully_connected(const FullyConnectedAttrs& attrs, const ConstTensorView& in,
                       const ConstTensorView& weights, const ConstTensorView& bias,
                       const TensorView& out) {
  constexpr const char* kOp = "fully_connected";
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "input", in));
  if (weights.dtype != DType::kF32 && !block_format_of(weights.dtype))
    ODIN_RETURN_IF_ERROR(expect_f32(kOp, "weights", weights));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "output", out));
  if (!bias.empty()) ODIN_RETURN_IF_ERROR(expect_f32(kOp, "bias", bias));
  ODIN_RETURN_IF_ERROR(expect_rank(kOp, "weights", weights, 2));
  if (!valid_view(in) || !valid_view(weights) || out.num_elements() < 0)
    return bad_shape(kOp, "shapes must be static");
  const int64_t units = weights.shape[0], depth = weights.shape[1];
  const int64_t numel = in.num_elements();
  if (depth < 1 || numel % depth != 0)
    return bad_shape(kOp, "input ", in.shape.str(), " does not flatten onto weights ",
                     weights.shape.str());
  const int64_t batch = numel / depth;
  if (out.num_elements() != batch * units || out.shape.rank() < 1 ||
      out.shape[out.shape.rank() - 1] != units)
    return bad_shape(kOp, "output ", out.shape.str(), " must hold ", batch, " x ", units);
  if (!bias.empty() && bias.num_elements() != units)
    return bad_shape(kOp, "bias ", bias.shape.str(), " does not have ", units, " elements");

  const float* x = in.as<float>();
  // Stored weights (F16, block formats) are decoded to float rows first.
  std::vector<float> decoded;
  if (weights.dtype != DType::kF32) {
    decoded.resize(static_cast<size_t>(units * depth));
    for (int64_t u = 0; u < units; ++u)
      if (!decode_weight_row(
              weights.dtype, weights.data, u,
              std::span<float>(decoded.data() + u * depth, static_cast<size_t>(depth))))
        return bad_shape(kOp, "weights ", weights.shape.str(), " are not rows of whole ",
                         dtype_name(weights.dtype), " blocks");
  }
  const float* w = decoded.empty() ? weights.as<float>() : decoded.data();
  const float* b = bias.empty() ? nullptr : bias.as<float>();
  float* y = out.as<float>();
  for (int64_t i = 0; i < batch; ++i) {
    for (int64_t u = 0; u < units; ++u) {
      float acc = 0.0f;
      for (int64_t k = 0; k < depth; ++k) acc += x[i * depth + k] * w[u * depth + k];
      if (b) acc += b[u];
      y[i * units + u] = apply_activation(attrs.activation, acc);
    }
  }
  return Status();
}

Status fully_connected_node(const KernelArgs& args) {
  const auto* a = args.attrs<FullyConnectedAttrs>();
  if (!a) return missing_attrs(args);
  return fully_connected(*a, args.input(0), args.input(1), args.input(2), args.outputs[0]);
}

}  // namespace odin::ref
