// Reference DENSIFY: zero-fills the dense output and copies each stored value
// to its dense offset, walking the sparse format with for_each_sparse_value
// (which bounds-checks every segment and index). Element size is generic.
#include "ops/densify.h"

#include <cstring>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

namespace odin::ref {

// `in` holds the stored values (its shape is the dense shape, as in the model
// file, or [count]); shape inference checked that the buffer holds them all.
Status densify(const ConstTensorView& in, const SparsityParams& sparsity, const TensorView& out) {
  const size_t elem = dtype_size(in.dtype);
  if (elem == 0 || in.dtype != out.dtype)
    return bad_shape("densify", "input dtype ", dtype_name(in.dtype), " and output dtype ",
                     dtype_name(out.dtype), " must match and be known");
  if (in.data == nullptr || in.num_elements() < 0 || out.num_elements() < 0)
    return bad_shape("densify", "shapes must be static");
  int64_t count = 0;
  ODIN_RETURN_IF_ERROR(for_each_sparse_value(sparsity, out.shape, [&](int64_t) { ++count; }));
  if (count > in.num_elements())
    return bad_shape("densify", "the sparse format holds ", count, " values, the input only ",
                     in.num_elements());
  auto* dst = static_cast<uint8_t*>(out.data);
  const auto* src = static_cast<const uint8_t*>(in.data);
  // All-zero bytes are 0 for every odin dtype (0.0f, +0 half, integer 0).
  std::memset(dst, 0, static_cast<size_t>(out.num_elements()) * elem);
  int64_t k = 0;
  return for_each_sparse_value(sparsity, out.shape, [&](int64_t offset) {
    std::memcpy(dst + static_cast<size_t>(offset) * elem, src + static_cast<size_t>(k) * elem,
                elem);
    ++k;
  });
}

Status densify_node(const KernelArgs& args) {
  const Value& v = args.graph.value(args.node.inputs[0]);
  if (!v.sparsity)
    return make_error(StatusCode::kInvalidModel, "DENSIFY input '", v.name,
                      "' has no sparsity parameters");
  return densify(args.input(0), *v.sparsity, args.outputs[0]);
}

}  // namespace odin::ref
