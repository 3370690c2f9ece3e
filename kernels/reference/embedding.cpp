// Reference EMBEDDING: out[i] = decode(table row ids[i]); ids out of range
// are an error naming the id (a prompt's ids come from the user).
#include <span>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"
#include "quant/weight_rows.h"

namespace odin::ref {

Status embedding(const ConstTensorView& table, const ConstTensorView& ids, const TensorView& out) {
  constexpr const char* kOp = "embedding";
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "output", out));
  ODIN_RETURN_IF_ERROR(expect_rank(kOp, "table", table, 2));
  if (ids.dtype != DType::kI32 || ids.shape.rank() != 1 || !valid_view(table) ||
      ids.shape.num_elements() < 0)
    return bad_shape(kOp, "ids ", ids.shape.str(), " must be int32 of rank 1");
  const int64_t vocab = table.shape[0], d = table.shape[1], n = ids.shape[0];
  if (out.num_elements() != n * d)
    return bad_shape(kOp, "output ", out.shape.str(), " must hold ", n, " x ", d);
  const int32_t* id = ids.as<int32_t>();
  for (int64_t i = 0; i < n; ++i) {
    if (id[i] < 0 || id[i] >= vocab)
      return make_error(StatusCode::kOutOfRange, "reference embedding: token id ", id[i],
                        " (position ", i, ") is outside the vocabulary [0, ", vocab, ")");
    std::span<float> row(out.as<float>() + i * d, static_cast<size_t>(d));
    if (!decode_weight_row(table.dtype, table.data, id[i], row))
      return make_error(StatusCode::kUnsupported, "reference embedding: table dtype ",
                        dtype_name(table.dtype), " with rows of ", d, " is not readable");
  }
  return Status();
}

Status embedding_node(const KernelArgs& args) {
  return embedding(args.input(0), args.input(1), args.outputs[0]);
}

}  // namespace odin::ref
