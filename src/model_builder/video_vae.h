// A Turbo-VAED-style video VAE decoder (Zou et al., "Turbo-VAED: Fast and
// Stable Transfer of Video-VAEs to Mobile Devices", 2025) at a small size
// with seeded weights: CONV_3D in and out, residual blocks of 3D
// depthwise-separable convolutions, upsampling by a decoupled 3D pixel shuffle.
#pragma once

#include "core/graph.h"
#include "model_builder/net_builder.h"

namespace odin {

// Input "latent" [1, 4, 16, 16, 16] (NDHWC: 4 frames of a 16x16 latent with
// 16 channels), output "video" [1, 8, 64, 64, 3].
Result<Graph> build_video_vae_decoder(const ModelBuildOptions& options);

}  // namespace odin
