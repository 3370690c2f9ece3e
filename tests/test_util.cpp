#include "test_util.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "bench/output_difference.h"
#include "runtime/backend.h"

namespace odin::test {

OwnedTensor make_tensor(Shape shape, std::vector<float> values) {
  return OwnedTensor{std::move(shape), std::move(values)};
}

OwnedTensor zeros(Shape shape) {
  const int64_t n = shape.num_elements();
  return OwnedTensor{std::move(shape), std::vector<float>(static_cast<size_t>(n), 0.0f)};
}

OwnedTensor random_tensor(Shape shape, uint64_t seed, float lo, float hi) {
  const int64_t n = shape.num_elements();
  return OwnedTensor{std::move(shape), splitmix_values(static_cast<size_t>(n), seed, lo, hi)};
}

double max_abs_diff(const float* ref, const float* got, size_t n) {
  return output_difference(ref, got, n).max_abs;
}

double rel_range(const float* ref, const float* got, size_t n) {
  return output_difference(ref, got, n).rel_range;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

std::vector<float> read_f32(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);
  std::vector<float> out(bytes.size() / 4);
  if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * 4);
  return out;
}

bool file_exists(const std::string& path) {
  return std::ifstream(path).good();
}

std::string data_path(const std::string& rel) {
  return std::string(ODIN_TEST_DATA_DIR) + "/" + rel;
}

std::string model_path(const std::string& name) {
  const char* dir = std::getenv("ODIN_MODEL_DIR");
  std::string base;
  if (dir && *dir) {
    base = dir;
  } else {
    const char* home = std::getenv("HOME");
    base = std::string(home ? home : ".") + "/.cache/odin/models";
  }
  return base + "/" + name + ".tflite";
}

std::vector<std::string> gpu_backends() {
  std::vector<std::string> out;
  for (const std::string& b : built_backends())
    if (b != "cpu") out.push_back(b);
  return out;
}

}  // namespace odin::test
