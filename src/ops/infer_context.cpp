#include "ops/infer_context.h"

#include "core/const_data.h"

namespace odin {

bool InferContext::has_input(size_t i) const {
  return i < node().inputs.size() && node().inputs[i] != kNoValue;
}

const Value& InferContext::input(size_t i) const {
  return graph_.value(node().inputs[i]);
}

Value& InferContext::output(size_t i) {
  return graph_.value(node().outputs[i]);
}

void InferContext::set_output(size_t i, DType dtype, Shape shape) {
  Value& v = output(i);
  v.dtype = dtype;
  v.shape = std::move(shape);
}

Status InferContext::expect_inputs(size_t min, size_t max) const {
  const size_t n = num_inputs();
  if (n < min || n > max) {
    if (min == max) return fail("expects ", min, " inputs, has ", n);
    return fail("expects ", min, " to ", max, " inputs, has ", n);
  }
  for (size_t i = 0; i < min; ++i)
    if (!has_input(i)) return fail("required input ", i, " is missing");
  return Status();
}

Status InferContext::expect_outputs(size_t n) const {
  if (num_outputs() != n) return fail("expects ", n, " outputs, has ", num_outputs());
  return Status();
}

Status InferContext::expect_rank(size_t i, size_t rank) const {
  if (input(i).shape.rank() != rank)
    return fail("input ", i, " (", graph_.describe_value(node().inputs[i]), ") must have rank ",
                rank, ", has shape ", input(i).shape.str());
  return Status();
}

Status InferContext::expect_dtype(size_t i, DType dtype) const {
  if (input(i).dtype != dtype)
    return unsupported("input ", i, " (", graph_.describe_value(node().inputs[i]), ") has dtype ",
                       dtype_name(input(i).dtype), ", expected ", dtype_name(dtype));
  return Status();
}

Status InferContext::expect_addend(size_t i) {
  if (!has_input(i)) return Status();
  const Value& out = output(0);
  if (out.dtype != DType::kF32 || input(i).dtype != DType::kF32)
    return unsupported("addend input ", i, " (", graph_.describe_value(node().inputs[i]),
                       ") is taken by float32 nodes only");
  if (input(i).shape != out.shape)
    return fail("addend input ", i, " has shape ", input(i).shape.str(), ", the output ",
                out.shape.str());
  return Status();
}

Status InferContext::expect_prelu_alpha(size_t i) {
  if (!has_input(i)) return Status();
  const Value& out = output(0);
  if (out.dtype != DType::kF32 || input(i).dtype != DType::kF32)
    return unsupported("PRELU slopes input ", i, " (", graph_.describe_value(node().inputs[i]),
                       ") are taken by float32 nodes only");
  const Shape& a = input(i).shape;
  const int64_t channels = out.shape.rank() > 0 ? out.shape[out.shape.rank() - 1] : 0;
  bool per_channel = a.rank() > 0 && a[a.rank() - 1] == channels && channels > 0;
  for (size_t d = 0; per_channel && d + 1 < a.rank(); ++d) per_channel = a[d] == 1;
  if (!per_channel)
    return fail("PRELU slopes input ", i, " has shape ", a.str(), ", not one value per channel of ",
                "the output ", out.shape.str());
  return Status();
}

Status InferContext::expect_element_dtype(size_t i) const {
  const DType dtype = input(i).dtype;
  if (dtype_size(dtype) > 0) return Status();
  if (dtype == DType::kUnknown)
    return unsupported("input ", i, " (", graph_.describe_value(node().inputs[i]),
                       ") has an unknown dtype");
  return unsupported("input ", i, " (", graph_.describe_value(node().inputs[i]), ") is ",
                     dtype_name(dtype), ", stored in blocks: this op moves single elements");
}

Status InferContext::expect_static(size_t i) const {
  if (!input(i).shape.is_static())
    return unsupported("input ", i, " has dynamic shape ", input(i).shape.str());
  return Status();
}

Result<std::vector<int64_t>> InferContext::const_ints(size_t i) const {
  if (!has_input(i)) return fail("input ", i, " is missing");
  const Value& v = input(i);
  if (!v.is_constant())
    return unsupported("input ", i, " (", graph_.describe_value(node().inputs[i]),
                       ") must be a constant");
  if (v.dtype != DType::kI32 && v.dtype != DType::kI64)
    return fail("input ", i, " must be int32 or int64, is ", dtype_name(v.dtype));
  std::optional<std::vector<int64_t>> ints = read_int_constant(v);
  if (!ints)
    return fail("input ", i, " holds ", v.data_bytes, " bytes, too few for shape ", v.shape.str());
  return std::move(*ints);
}

}  // namespace odin
