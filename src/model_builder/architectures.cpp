#include "model_builder/architectures.h"

#include "format/tflite/tflite_writer.h"
#include "model_builder/cas_vit.h"
#include "model_builder/diffusion.h"
#include "model_builder/flow.h"
#include "model_builder/mobilenet_v4.h"
#include "model_builder/temporal.h"
#include "model_builder/video_vae.h"

namespace odin {
namespace {

template <MobileNetV4Variant kVariant>
Result<Graph> mobilenet_v4(const ModelBuildOptions& options) {
  return build_mobilenet_v4(kVariant, options);
}

template <CasVitVariant kVariant>
Result<Graph> cas_vit(const ModelBuildOptions& options) {
  return build_cas_vit(kVariant, options);
}

constexpr Architecture kArchitectures[] = {
    {"mnv4_conv_s", "MobileNetV4-Conv-S, 224x224, 1000 classes",
     mobilenet_v4<MobileNetV4Variant::kConvSmall>},
    {"mnv4_conv_m", "MobileNetV4-Conv-M, 224x224, 1000 classes",
     mobilenet_v4<MobileNetV4Variant::kConvMedium>},
    {"mnv4_hybrid_m", "MobileNetV4-Hybrid-M (Mobile MQA), 224x224, 1000 classes",
     mobilenet_v4<MobileNetV4Variant::kHybridMedium>},
    {"cas_vit_xs", "CAS-ViT-XS, 224x224, 1000 classes", cas_vit<CasVitVariant::kXS>},
    {"cas_vit_s", "CAS-ViT-S, 224x224, 1000 classes", cas_vit<CasVitVariant::kS>},
    {"cas_vit_m", "CAS-ViT-M, 224x224, 1000 classes", cas_vit<CasVitVariant::kM>},
    {"unet_block",
     "SnapFusion-style UNet (GroupNorm, self- and cross-attention), 32x32x4 latent, 16 text tokens",
     build_unet_block},
    {"vae_decoder", "SD-style VAE decoder, 8x8x4 latent -> 64x64 RGB", build_vae_decoder},
    {"video_vae_decoder", "Turbo-VAED-style video VAE decoder, 4x16x16x16 latent -> 8x64x64x3",
     build_video_vae_decoder},
    {"flow", "CompactFlowNet-style optical flow, two 64x64 images -> 64x64x2 flow", build_flow},
    {"temporal",
     "SnapGen-V-style temporal layers (frame attention, temporal conv), 64x8x512, ~27 MB",
     build_temporal},
};

}  // namespace

std::span<const Architecture> architectures() {
  return kArchitectures;
}

Result<Graph> build_architecture(std::string_view name, const ModelBuildOptions& options) {
  std::string known;
  for (const Architecture& a : kArchitectures) {
    if (name == a.name) return a.build(options);
    known += str_cat(known.empty() ? "" : ", ", a.name);
  }
  return make_error(StatusCode::kNotFound, "unknown architecture '", name, "' (known: ", known,
                    ")");
}

Result<std::vector<uint8_t>> build_architecture_tflite(std::string_view name,
                                                       const ModelBuildOptions& options) {
  ODIN_ASSIGN_OR_RETURN(Graph g, build_architecture(name, options));
  return write_tflite(
      g, str_cat("odin build-model ", name, " seed ", options.seed, options.fp16 ? " fp16" : ""));
}

}  // namespace odin
