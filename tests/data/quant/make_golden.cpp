// Writes the golden files of tests/unit/test_block_quant.cpp with ggml's own
// conversions (ggml_get_type_traits: from_float_ref, to_float), so odin's
// block formats are checked against the library that defines them. Not part
// of the build: it needs llama.cpp's headers and libggml-base.so, both in
// npm's node-llama-cpp@3.21.1 (NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm ci
// --ignore-scripts; headers: git clone of its llama/gitRelease.bundle as
// $LLAMA, library: @node-llama-cpp/linux-x64/bins/linux-x64 as $GGML_LIB):
//   g++ -O1 -std=c++17 -I$LLAMA/ggml/include make_golden.cpp \
//       -L$GGML_LIB -l:libggml-base.so -Wl,-rpath,$GGML_LIB -o /tmp/make_golden
//   /tmp/make_golden tests/data/quant
// File layout (little-endian): u32 n, n float inputs, the quantized bytes,
// n floats that ggml decodes them to.
#include <ggml.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Values in [-1, 1) scaled per group of 16 over four orders of magnitude, so
// sub-block scales and mins differ; one all-zero and one constant group.
std::vector<float> inputs(size_t n, uint64_t seed) {
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i) {
    const float unit = static_cast<float>(splitmix64(seed) >> 40) / 16777216.0f * 2.0f - 1.0f;
    const size_t group = i / 16;
    const float scale = std::pow(10.0f, static_cast<float>(group % 5) - 2.0f);
    x[i] = group == 3 ? 0.0f : group == 5 ? 0.75f : unit * scale + (group % 7 == 6 ? 0.5f : 0.0f);
  }
  return x;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const struct {
    ggml_type type;
    const char* file;
    size_t n;
  } cases[] = {
      {GGML_TYPE_Q8_0, "q8_0.bin", 256},  {GGML_TYPE_Q4_0, "q4_0.bin", 256},
      {GGML_TYPE_Q4_K, "q4_k.bin", 1024}, {GGML_TYPE_Q6_K, "q6_k.bin", 1024},
      {GGML_TYPE_BF16, "bf16.bin", 64},
  };
  uint64_t seed = 1;
  for (const auto& c : cases) {
    const ggml_type_traits* traits = ggml_get_type_traits(c.type);
    const std::vector<float> x = inputs(c.n, seed++);
    std::vector<uint8_t> q(c.n / traits->blck_size * traits->type_size);
    traits->from_float_ref(x.data(), q.data(), static_cast<int64_t>(c.n));
    std::vector<float> y(c.n);
    traits->to_float(q.data(), y.data(), static_cast<int64_t>(c.n));
    const std::string path = std::string(argv[1]) + "/" + c.file;
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return 1;
    const uint32_t n = static_cast<uint32_t>(c.n);
    std::fwrite(&n, 4, 1, f);
    std::fwrite(x.data(), 4, x.size(), f);
    std::fwrite(q.data(), 1, q.size(), f);
    std::fwrite(y.data(), 4, y.size(), f);
    std::fclose(f);
    std::printf("%s: %s, %zu elements, %zu bytes\n", path.c_str(), traits->type_name, c.n,
                q.size());
  }
  return 0;
}
