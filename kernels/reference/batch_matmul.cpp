// Reference BATCH_MATMUL: out[..., i, j] = sum_k X[..., i, k] * Y[..., k, j],
// where X is x (or x transposed with adj_x) and Y likewise; batch dims
// broadcast numpy-style (size-1 dims repeat), aligned from the right.
#include <algorithm>
#include <vector>

#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

namespace odin::ref {

Status batch_matmul(const BatchMatMulAttrs& attrs, const ConstTensorView& x,
                    const ConstTensorView& y, const TensorView& out) {
  constexpr const char* kOp = "batch_matmul";
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "x", x));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "y", y));
  ODIN_RETURN_IF_ERROR(expect_f32(kOp, "output", out));
  if (!valid_view(x) || !valid_view(y) || out.num_elements() < 0)
    return bad_shape(kOp, "shapes must be static");
  const size_t rx = x.shape.rank(), ry = y.shape.rank(), rank = out.shape.rank();
  if (rx < 2 || ry < 2 || rank != std::max(rx, ry))
    return bad_shape(kOp, "ranks of x ", x.shape.str(), ", y ", y.shape.str(), " and output ",
                     out.shape.str(), " do not match");
  const int64_t m = attrs.adj_x ? x.shape[rx - 1] : x.shape[rx - 2];
  const int64_t k = attrs.adj_x ? x.shape[rx - 2] : x.shape[rx - 1];
  const int64_t ky = attrs.adj_y ? y.shape[ry - 1] : y.shape[ry - 2];
  const int64_t n = attrs.adj_y ? y.shape[ry - 2] : y.shape[ry - 1];
  if (k != ky || out.shape[rank - 2] != m || out.shape[rank - 1] != n)
    return bad_shape(kOp, "x ", x.shape.str(), " and y ", y.shape.str(), " do not multiply into ",
                     out.shape.str());
  // Batch dims of x, y and out, each padded on the left with 1s to rank - 2.
  const size_t nb = rank - 2;
  std::vector<int64_t> bx(nb, 1), by(nb, 1);
  for (size_t i = 0; i + 2 < rx; ++i) bx[nb - (rx - 2) + i] = x.shape[i];
  for (size_t i = 0; i + 2 < ry; ++i) by[nb - (ry - 2) + i] = y.shape[i];
  int64_t batches = 1;
  for (size_t i = 0; i < nb; ++i) {
    const int64_t bo = out.shape[i];
    if ((bx[i] != bo && bx[i] != 1) || (by[i] != bo && by[i] != 1))
      return bad_shape(kOp, "batch dims of x ", x.shape.str(), " and y ", y.shape.str(),
                       " do not broadcast to ", out.shape.str());
    batches *= bo;
  }

  const float* xd = x.as<float>();
  const float* yd = y.as<float>();
  float* od = out.as<float>();
  for (int64_t b = 0; b < batches; ++b) {
    // Decompose b into the output batch index; map it onto x and y.
    int64_t rest = b, off_x = 0, off_y = 0, stride_x = 1, stride_y = 1;
    for (size_t i = nb; i-- > 0;) {
      const int64_t id = rest % out.shape[i];
      rest /= out.shape[i];
      off_x += (bx[i] == 1 ? 0 : id) * stride_x;
      off_y += (by[i] == 1 ? 0 : id) * stride_y;
      stride_x *= bx[i];
      stride_y *= by[i];
    }
    const float* xm = xd + off_x * m * k;
    const float* ym = yd + off_y * k * n;
    float* om = od + b * m * n;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        float acc = 0.0f;
        for (int64_t p = 0; p < k; ++p) {
          const float a = attrs.adj_x ? xm[p * m + i] : xm[i * k + p];
          const float c = attrs.adj_y ? ym[j * k + p] : ym[p * n + j];
          acc += a * c;
        }
        om[i * n + j] = acc;
      }
    }
  }
  return Status();
}

Status batch_matmul_node(const KernelArgs& args) {
  const auto* a = args.attrs<BatchMatMulAttrs>();
  if (!a) return missing_attrs(args);
  return batch_matmul(*a, args.input(0), args.input(1), args.outputs[0]);
}

}  // namespace odin::ref
