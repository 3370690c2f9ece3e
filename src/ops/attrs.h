// The typed attributes a node can carry: one alternative per attribute struct.
#pragma once

#include <variant>

#include "ops/batch_matmul.h"
#include "ops/binary.h"
#include "ops/concatenation.h"
#include "ops/conv2d.h"
#include "ops/depth_space.h"
#include "ops/depthwise_conv2d.h"
#include "ops/fully_connected.h"
#include "ops/gather.h"
#include "ops/pool2d.h"
#include "ops/reduce.h"
#include "ops/reshape.h"
#include "ops/resize.h"
#include "ops/softmax.h"
#include "ops/squeeze.h"
#include "ops/strided_slice.h"
#include "ops/transpose_conv.h"
#include "ops/unary.h"

namespace odin {

using OpAttrs =
    std::variant<std::monostate, BinaryAttrs, LeakyReluAttrs, GeluAttrs, Conv2DAttrs,
                 DepthwiseConv2DAttrs, TransposeConvAttrs, FullyConnectedAttrs, BatchMatMulAttrs,
                 Pool2DAttrs, ReduceAttrs, SoftmaxAttrs, ConcatenationAttrs, ReshapeAttrs,
                 SqueezeAttrs, StridedSliceAttrs, GatherAttrs, ResizeAttrs, BlockAttrs>;

}  // namespace odin
