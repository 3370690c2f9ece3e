// The architectures `odin build-model` (tools/build_model) knows, by name:
// each builds an op graph with seeded weights that writes as a .tflite file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/graph.h"
#include "model_builder/net_builder.h"

namespace odin {

struct Architecture {
  const char* name;  // e.g. "mnv4_conv_s"
  const char* description;
  Result<Graph> (*build)(const ModelBuildOptions& options);
};

std::span<const Architecture> architectures();

// The architecture's graph, or kNotFound naming the known ones.
Result<Graph> build_architecture(std::string_view name, const ModelBuildOptions& options);

// The architecture as .tflite bytes: the same name and options give the
// same bytes.
Result<std::vector<uint8_t>> build_architecture_tflite(std::string_view name,
                                                       const ModelBuildOptions& options);

}  // namespace odin
