// Helpers for the Vulkan tests: the skip rule (a test that needs a device
// reports "skipped: no Vulkan device", never passes silently) and a tiny
// graph builder for hand-made models.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/graph.h"
#include "runtime/backend.h"

// Skips the current test when this machine has no usable Vulkan device.
#define ODIN_REQUIRE_VULKAN()                                                           \
  do {                                                                                  \
    ::odin::Backend* odin_vk_ = ::odin::find_backend("vulkan");                         \
    if (!odin_vk_ || !odin_vk_->available())                                            \
      GTEST_SKIP() << "skipped: no Vulkan device ("                                     \
                   << (odin_vk_ ? odin_vk_->unavailable_reason() : "not built") << ")"; \
  } while (0)

namespace odin::test {

// Builds small graphs by hand; constants' bytes are owned by the graph.
class GraphMaker {
 public:
  ValueId input(const std::string& name, Shape shape, DType dtype = DType::kF32);
  ValueId constant_f32(const std::string& name, Shape shape, const std::vector<float>& values);
  ValueId constant_f16(const std::string& name, Shape shape, const std::vector<float>& values);
  ValueId constant_i32(const std::string& name, Shape shape, const std::vector<int32_t>& values);
  // Adds a node with one output (shape inferred by finish()).
  ValueId node(OpType op, std::vector<ValueId> inputs, OpAttrs attrs = {},
               DType out_dtype = DType::kF32);
  // Marks outputs, infers shapes; fails the test on error.
  Graph finish(std::vector<ValueId> outputs);

 private:
  Graph g_;
};

// Runs `graph` in a session with the given backends (optimize as given) on
// deterministic inputs; returns its float outputs.
struct RunResult {
  std::vector<std::vector<float>> outputs;
  std::vector<std::string> node_backend;
  std::vector<std::string> node_fallback;
  size_t segments = 0;
  RunStats stats;
};
RunResult run_graph(const Graph& graph, std::vector<std::string> backends, bool fp16 = false,
                    bool optimize = false);

}  // namespace odin::test
