// Helpers shared by odin's tests: tensors from vectors, comparisons by
// rel_range (max_abs / max|ref|, as ../tflite_ref's compare tool defines it),
// file reading, and the model cache location.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/shape.h"
#include "core/splitmix.h"
#include "core/tensor.h"

namespace odin::test {

// `name` as a GoogleTest parameter name, which allows only letters, digits
// and '_': "llama-q4_0" -> "llama_q4_0".
inline std::string param_name(std::string name) {
  for (char& c : name)
    if (c == '-') c = '_';
  return name;
}

// A float32 tensor that owns its data.
struct OwnedTensor {
  Shape shape;
  std::vector<float> data;
  ConstTensorView view() const { return {DType::kF32, shape, data.data()}; }
  TensorView mut() { return {DType::kF32, shape, data.data()}; }
};

OwnedTensor make_tensor(Shape shape, std::vector<float> values);
OwnedTensor zeros(Shape shape);
// Deterministic pseudo-random values in [lo, hi] (SplitMix64, like the
// reference runners' input generator).
OwnedTensor random_tensor(Shape shape, uint64_t seed, float lo = -1.0f, float hi = 1.0f);
using odin::splitmix_values;  // core/splitmix.h

// max|a-b| / max|ref|; 0 when both are all zeros.
double rel_range(const float* ref, const float* got, size_t n);
double max_abs_diff(const float* ref, const float* got, size_t n);

std::vector<uint8_t> read_file(const std::string& path);
std::vector<float> read_f32(const std::string& path);
bool file_exists(const std::string& path);

// Path of a committed test data file: tests/<rel>.
std::string data_path(const std::string& rel);
// ${ODIN_MODEL_DIR:-$HOME/.cache/odin/models}/<name>.tflite
std::string model_path(const std::string& name);

// Every built backend but "cpu", with a device here or not: GPU backend
// tests take one case per backend, each skipping without its device.
std::vector<std::string> gpu_backends();

}  // namespace odin::test
