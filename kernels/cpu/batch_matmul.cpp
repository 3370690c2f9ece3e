#include "kernels/cpu/batch_matmul.h"

#include <optional>
#include <vector>

#include "kernels/cpu/conv2d.h"

namespace odin::cpu {
namespace {

// [rows][cols] -> [cols][rows].
void transpose(const float* in, int64_t rows, int64_t cols, std::vector<float>* out) {
  out->resize(static_cast<size_t>(rows * cols));
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) (*out)[static_cast<size_t>(j * rows + i)] = in[i * cols + j];
}

}  // namespace

void batch_matmul(const BatchMatMulShape& s, const float* x, const float* y, float* z,
                  ThreadPool& pool) {
  std::vector<float> xt, yt;
  std::optional<GemmFullyConnected> gemm;
  const float* packed_from = nullptr;
  for (int64_t b = 0; b < s.batches; ++b) {
    const float* xb = x + b * s.x_batch_stride;
    const float* yb = y + b * s.y_batch_stride;
    if (!gemm || yb != packed_from) {
      const float* w = yb;  // adj_y: Y is stored [n][k], the GEMM's weight layout
      if (!s.adj_y) {
        transpose(yb, s.k, s.n, &yt);
        w = yt.data();
      }
      gemm.emplace(s.m, s.n, s.k, w, nullptr, Clamp{});
      packed_from = yb;
    }
    if (s.adj_x) {
      transpose(xb, s.k, s.m, &xt);
      xb = xt.data();
    }
    gemm->run(xb, z + b * s.m * s.n, pool);
  }
}

}  // namespace odin::cpu
