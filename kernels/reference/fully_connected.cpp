// Reference FULLY_CONNECTED: out[b, n] = act(sum_k in[b, k] * w[n, k] + bias[n])
// with the input flattened to [numel / K, K] (TFLite reference_ops::FullyConnected).
// keep_num_dims only changes the output's shape, not its layout. Float32
// (weights also F16/BF16/block formats, decoded), or int8/uint8 with TFLite's
// integer arithmetic (weighted_arith.h: reference_integer_ops::FullyConnected).
#include <span>
#include <vector>

#include "kernels/reference/reference.h"
#include "kernels/reference/weighted_arith.h"
#include "quant/weight_rows.h"

namespace odin::ref {
namespace {

constexpr const char* kOp = "fully_connected";

struct FcGeometry {
  int64_t batch, units, depth;
};

Result<FcGeometry> geometry(const ConstTensorView& in, const ConstTensorView& weights,
                            const ConstTensorView& bias, const ConstTensorView& out) {
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
  return FcGeometry{batch, units, depth};
}

template <class Arith>
void loops(const FcGeometry& g, const typename Arith::In* x, const typename Arith::In* w,
           const Arith& arith) {
  for (int64_t i = 0; i < g.batch; ++i) {
    for (int64_t u = 0; u < g.units; ++u) {
      typename Arith::Acc acc = 0;
      for (int64_t k = 0; k < g.depth; ++k)
        acc += arith.product(x[i * g.depth + k], w[u * g.depth + k], u);
      arith.finish(i * g.units + u, u, acc);
    }
  }
}

}  // namespace

Status fully_connected(const FullyConnectedAttrs& attrs, const ConstTensorView& in,
                       const ConstTensorView& weights, const ConstTensorView& bias,
                       const TensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "input", in));
  if (weights.dtype != DType::kF32 && !block_format_of(weights.dtype))
    ODIN_RETURN_IF_ERROR(expect_f32(kOp, "weights", weights));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "output", out));
  if (!bias.empty()) ODIN_RETURN_IF_ERROR(expect_f32(kOp, "bias", bias));
  ODIN_ASSIGN_OR_RETURN(const FcGeometry g, geometry(in, weights, bias, out));
  // Stored weights (F16, block formats) are decoded to float rows first.
  std::vector<float> decoded;
  if (weights.dtype != DType::kF32) {
    decoded.resize(static_cast<size_t>(g.units * g.depth));
    for (int64_t u = 0; u < g.units; ++u)
      if (!decode_weight_row(
              weights.dtype, weights.data, u,
              std::span<float>(decoded.data() + u * g.depth, static_cast<size_t>(g.depth))))
        return bad_shape(kOp, "weights ", weights.shape.str(), " are not rows of whole ",
                         dtype_name(weights.dtype), " blocks");
  }
  const FloatArith arith{bias.empty() ? nullptr : bias.as<float>(), attrs.activation,
                         out.as<float>()};
  loops(g, in.as<float>(), decoded.empty() ? weights.as<float>() : decoded.data(), arith);
  return Status();
}

Status fully_connected_node(const KernelArgs& args) {
  const auto* a = args.attrs<FullyConnectedAttrs>();
  if (!a) return missing_attrs(args);
  if (!is_affine_dtype(args.input(0).dtype))
    return fully_connected(*a, args.input(0), args.input(1), args.input(2), args.outputs[0]);
  ODIN_ASSIGN_OR_RETURN(const FcGeometry g,
                        geometry(args.input(0), args.input(1), args.input(2), args.outputs[0]));
  return run_affine(
      kOp, args, g.units, a->activation,
      [&](const auto& arith, const auto* x, const auto* w) { loops(g, x, w, arith); });
}

}  // namespace odin::ref
