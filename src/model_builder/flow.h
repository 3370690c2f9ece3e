// A CompactFlowNet-style optical flow network at a small size with seeded
// weights: two images through convolutional encoders to 1/4 resolution, a
// local correlation (cost) volume, a flow head, one refinement step that
// warps the second image's features by the flow (bilinear) and correlates
// again, and the flow upsampled to the image.
#pragma once

#include "core/graph.h"
#include "model_builder/net_builder.h"

namespace odin {

// Inputs "image1", "image2" [1, 64, 64, 3]; output "flow" [1, 64, 64, 2]
// (x, y displacements in pixels).
Result<Graph> build_flow(const ModelBuildOptions& options);

}  // namespace odin
