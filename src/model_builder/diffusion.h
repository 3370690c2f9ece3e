// Diffusion models' building blocks at a small resolution with seeded
// weights: a SnapFusion-style UNet block (Li et al., "SnapFusion: Text-to-Image
// Diffusion Model on Mobile Devices within Two Seconds", arXiv 2306.00980)
// and a Stable Diffusion-style VAE decoder (Rombach et al., "High-Resolution
// Image Synthesis with Latent Diffusion Models", arXiv 2112.10752: the
// AutoencoderKL decoder). GroupNorm, LayerNorm, SiLU and GELU are written
// with builtin TFLite ops, as converters emit them.
#pragma once

#include "core/graph.h"
#include "model_builder/net_builder.h"

namespace odin {

// Inputs "latent" [1, 32, 32, 4], "time_features" [1, 64] (the timestep's
// sinusoidal features) and "text" [1, 16, 64] (the text encoder's tokens);
// output "noise" [1, 32, 32, 4].
Result<Graph> build_unet_block(const ModelBuildOptions& options);

// Input "latent" [1, 8, 8, 4]; output "image" [1, 64, 64, 3].
Result<Graph> build_vae_decoder(const ModelBuildOptions& options);

}  // namespace odin
