// libFuzzer target: bytes to the llama2.c checkpoint reader
// (src/format/llama2c). Whatever loads has every tensor's first and last
// float read, so a span past the file shows up under ASan.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "format/llama2c/llama2c_file.h"

namespace {
volatile float g_sink;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto weights = odin::read_llama2c(std::span<const uint8_t>(data, size), "fuzz.bin");
  if (!weights.ok()) return 0;
  float acc = 0.0f;
  for (const odin::LlmTensor& t : weights->tensors) {
    float first = 0.0f, last = 0.0f;
    std::memcpy(&first, t.data.data(), 4);
    std::memcpy(&last, t.data.data() + t.data.size() - 4, 4);
    acc += first + last;
  }
  g_sink = acc;
  return 0;
}
