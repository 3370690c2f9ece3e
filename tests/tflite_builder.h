// Writes small .tflite FlatBuffers for tests, including deliberately broken
// ones (bad indices, sizes, shapes) that the importer must reject cleanly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace odin::test {

struct TensorSpec {
  std::vector<int32_t> shape;
  int8_t type = 0;  // TensorType: 0 = FLOAT32, 1 = FLOAT16, 2 = INT32
  uint32_t buffer = 0;
  std::string name;
  // Affine quantization (none when both are empty).
  std::vector<float> scales = {};
  std::vector<int64_t> zero_points = {};
};

struct OpSpec {
  int32_t builtin = 0;  // BuiltinOperator code (32 = CUSTOM)
  std::string custom_code;
  uint32_t opcode_index = UINT32_MAX;  // default: this op's own code entry
  std::vector<int32_t> inputs, outputs;
  // Conv2DOptions when builtin == 3 (CONV_2D), TransposeConvOptions when 67
  // (TRANSPOSE_CONV); AddOptions when builtin == 0.
  int32_t stride = 1;
  int8_t padding = 1;  // 0 = SAME, 1 = VALID
};

struct ModelSpec {
  std::vector<TensorSpec> tensors;
  std::vector<std::vector<uint8_t>> buffers;  // buffer 0 (empty) is added first
  std::vector<OpSpec> ops;
  std::vector<int32_t> inputs, outputs;
};

std::vector<uint8_t> build_tflite(const ModelSpec& spec);

// x[1,2,2,1] + c[1,2,2,1] (c = 1, 2, 3, 4 in buffer 1) -> y: a valid model.
ModelSpec add_model_spec();

template <typename T>
std::vector<uint8_t> bytes_of(const std::vector<T>& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(v.data());
  return std::vector<uint8_t>(p, p + v.size() * sizeof(T));
}

}  // namespace odin::test
