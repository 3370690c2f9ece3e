// CAS-ViT (Zhang et al., "CAS-ViT: Convolutional Additive Self-attention
// Vision Transformers for Efficient Mobile Applications", 2024) at 224x224
// with seeded weights: four stages of additive blocks (local integration,
// convolutional additive token mixer, MLP), batch norms folded.
#pragma once

#include "core/graph.h"
#include "model_builder/net_builder.h"

namespace odin {

enum class CasVitVariant { kXS, kS, kM };

// Input "image" [1, 224, 224, 3], output "logits" [1, 1000].
Result<Graph> build_cas_vit(CasVitVariant variant, const ModelBuildOptions& options);

}  // namespace odin
