// What the TFLite fuzz targets do with one input: import it, write the
// graph back as .tflite (which must import again when the writer accepts
// it), and when it is a small graph, create a session and run it once on
// zero inputs. Any byte string must give a graph or a clean error, never a
// crash, hang or out-of-bounds access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "format/tflite/tflite_importer.h"
#include "format/tflite/tflite_writer.h"
#include "ops/op_def.h"
#include "runtime/session.h"

namespace odin::fuzz {

// Keeps each input fast: skip running graphs with big activations.
constexpr size_t kMaxArenaBytes = 8u << 20;
constexpr size_t kMaxNodes = 64;
// Hostile attributes can ask for any amount of work (a pooling window as big
// as the image); the fuzzer hunts memory errors, not slow models.
constexpr int64_t kMaxMacs = 20'000'000;

inline void import_and_run_tflite(const uint8_t* data, size_t size) {
  auto copy = std::make_shared<std::vector<uint8_t>>(data, data + size);
  auto graph = import_tflite(*copy, copy, "fuzz");
  if (!graph.ok()) return;
  // What odin writes, it reads back (the writer refuses what TFLite cannot
  // express, with an error; it never writes a file the importer rejects).
  if (auto written = write_tflite(*graph, "fuzz"); written.ok()) {
    auto again = std::make_shared<std::vector<uint8_t>>(std::move(written).value());
    if (!import_tflite(*again, again, "rewritten").ok()) __builtin_trap();
  }
  if (graph->num_nodes() > kMaxNodes) return;
  const int64_t macs = graph_work(*graph);
  if (macs < 0 || macs > kMaxMacs) return;
  SessionOptions options;
  options.max_arena_bytes = kMaxArenaBytes;
  auto session = Session::create(*graph, options);
  if (!session.ok()) return;
  Session& s = **session;
  for (size_t i = 0; i < s.num_inputs(); ++i) {
    const Value& v = s.input_info(i);
    std::vector<uint8_t> zeros(static_cast<size_t>(v.shape.num_elements()) * dtype_size(v.dtype));
    if (!s.set_input(i, zeros.data(), zeros.size()).ok()) return;
  }
  (void)s.run();
}

}  // namespace odin::fuzz
