// BATCH_MATMUL of two run-time operands on the GEMM (conv2d.h's
// GemmFullyConnected): per batch, Y as the GEMM's [n][k] weights (packed on
// each run; once when every batch shares it), X's rows as its input; X or Y
// stored the other way round (adj_x, adj_y false) is transposed first.
#pragma once

#include <cstdint>

#include "core/thread_pool.h"

namespace odin::cpu {

struct BatchMatMulShape {
  int64_t batches = 1, m = 0, n = 0, k = 0;
  int64_t x_batch_stride = 0, y_batch_stride = 0;  // elements; 0: one batch for all
  bool adj_x = false, adj_y = false;
};

// z [batches, m, n] = X [m, k] * Y [k, n] per batch.
void batch_matmul(const BatchMatMulShape& s, const float* x, const float* y, float* z,
                  ThreadPool& pool);

}  // namespace odin::cpu
