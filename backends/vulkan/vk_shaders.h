// The SPIR-V of every kernel in kernels/vulkan/*.comp, compiled by glslc at
// build time (cmake/vulkan.cmake) in an fp32 and an fp16 variant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace odin::vk {

struct EmbeddedShader {
  const char* name;  // file name without .comp
  int fp16;          // 1: the ODIN_FP16 variant
  const uint32_t* words;
  size_t word_count;
};

// Defined in the generated vk_shaders_embedded.cpp.
std::span<const EmbeddedShader> embedded_shaders();

// nullptr when no kernel has that name.
const EmbeddedShader* find_shader(std::string_view name, bool fp16);

}  // namespace odin::vk
