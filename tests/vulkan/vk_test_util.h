// Helpers for the Vulkan tests: the skip rule (a test that needs a device
// reports "skipped: no Vulkan device", never passes silently) and a tiny
// runner for hand-made graphs (built with graph_builder.h).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/graph.h"
#include "graph_builder.h"
#include "runtime/backend.h"
#ifdef ODIN_HAVE_VULKAN
#include "backends/vulkan/vk_context.h"
#endif

// Skips the current test when this machine has no usable Vulkan device.
#define ODIN_REQUIRE_VULKAN()                                                           \
  do {                                                                                  \
    ::odin::Backend* odin_vk_ = ::odin::find_backend("vulkan");                         \
    if (!odin_vk_ || !odin_vk_->available())                                            \
      GTEST_SKIP() << "skipped: no Vulkan device ("                                     \
                   << (odin_vk_ ? odin_vk_->unavailable_reason() : "not built") << ")"; \
  } while (0)

namespace odin::test {

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

#ifdef ODIN_HAVE_VULKAN
// Registers a Vulkan backend made with `options` (an injected driver bug,
// a lower device limit) under `name`, for SessionOptions::backends.
Status register_vulkan_backend(const std::string& name, const vk::ContextOptions& options);
// The Vulkan backend inside one register_vulkan_backend made (or `b` itself).
Backend* vulkan_of(Backend& b);
#endif

}  // namespace odin::test
