// MobileNetV4 (Qin et al., "MobileNetV4 - Universal Models for the Mobile
// Ecosystem", 2024) at 224x224 with seeded weights: the Universal Inverted
// Bottleneck in its four forms (IB, ConvNext, ExtraDW, FFN), the fused IB,
// and Mobile MQA (one shared K/V head, K/V downsampled by a strided
// depthwise convolution).
#pragma once

#include "core/graph.h"
#include "model_builder/net_builder.h"

namespace odin {

enum class MobileNetV4Variant { kConvSmall, kConvMedium, kHybridMedium };

// Input "image" [1, 224, 224, 3], output "logits" [1, 1000].
Result<Graph> build_mobilenet_v4(MobileNetV4Variant variant, const ModelBuildOptions& options);

}  // namespace odin
