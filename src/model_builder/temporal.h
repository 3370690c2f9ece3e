// SnapGen-V / On-device Sora-style temporal layers at a size whose weights
// (~27 MB fp32) make block-wise weight loading (`odin bench --max-memory`)
// meaningful, with seeded weights: each block is a temporal depthwise conv
// with a pointwise mix, attention across frames, and a GELU MLP, all residual.
#pragma once

#include "core/graph.h"
#include "model_builder/net_builder.h"

namespace odin {

// Input "features" [64, 8, 512]: 8x8 spatial positions, each a sequence of
// 8 frames of 512 channels (the layout temporal layers see); output
// "features_out" of the same shape.
Result<Graph> build_temporal(const ModelBuildOptions& options);

}  // namespace odin
