// libFuzzer target: any byte string given to the TFLite importer must give a
// graph or a clean error, never a crash, hang or out-of-bounds access. Small
// graphs that load are also run once on zero inputs.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "format/tflite/tflite_importer.h"
#include "ops/op_def.h"
#include "runtime/session.h"

namespace {

// Keeps each fuzz input fast: skip running graphs with big activations.
constexpr size_t kMaxArenaBytes = 8u << 20;
constexpr size_t kMaxNodes = 64;
// Hostile attributes can ask for any amount of work (a pooling window as big
// as the image); the fuzzer hunts memory errors, not slow models.
constexpr int64_t kMaxMacs = 20'000'000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto copy = std::make_shared<std::vector<uint8_t>>(data, data + size);
  auto graph = odin::import_tflite(*copy, copy, "fuzz");
  if (!graph.ok() || graph->num_nodes() > kMaxNodes) return 0;
  const int64_t macs = odin::graph_work(*graph);
  if (macs < 0 || macs > kMaxMacs) return 0;
  odin::SessionOptions options;
  options.max_arena_bytes = kMaxArenaBytes;
  auto session = odin::Session::create(*graph, options);
  if (!session.ok()) return 0;
  odin::Session& s = **session;
  for (size_t i = 0; i < s.num_inputs(); ++i) {
    const odin::Value& v = s.input_info(i);
    std::vector<uint8_t> zeros(static_cast<size_t>(v.shape.num_elements()) *
                               odin::dtype_size(v.dtype));
    if (!s.set_input(i, zeros.data(), zeros.size()).ok()) return 0;
  }
  (void)s.run();
  return 0;
}
