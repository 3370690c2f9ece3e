// FULLY_CONNECTED with stored weights (F16, BF16, block formats), for the
// FULLY_CONNECTED entry (cpu_ops_conv.cpp), which keeps float32 weights on
// its own repacked GEMM.
#pragma once

#include "backends/cpu/cpu_op.h"

namespace odin {

std::unique_ptr<CpuOp> make_stored_weight_fully_connected(const CpuOpContext& ctx, const Node& n);

}  // namespace odin
