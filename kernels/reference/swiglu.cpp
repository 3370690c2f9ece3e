// Reference SWIGLU: y = gate / (1 + exp(-gate)) * up.
#include <cmath>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

namespace odin::ref {

Status swiglu(const ConstTensorView& gate, const ConstTensorView& up, const TensorView& out) {
  constexpr const char* kOp = "swiglu";
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "gate", gate));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "up", up));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "output", out));
  const int64_t n = gate.num_elements();
  if (!valid_view(gate) || !valid_view(up) || up.num_elements() != n || out.num_elements() != n)
    return bad_shape(kOp, "gate ", gate.shape.str(), ", up ", up.shape.str(), " and output ",
                     out.shape.str(), " must have one size");
  const float* g = gate.as<float>();
  const float* u = up.as<float>();
  float* y = out.as<float>();
  for (int64_t i = 0; i < n; ++i) y[i] = g[i] / (1.0f + std::exp(-g[i])) * u[i];
  return Status();
}

Status swiglu_node(const KernelArgs& args) {
  return swiglu(args.input(0), args.input(1), args.outputs[0]);
}

}  // namespace odin::ref
