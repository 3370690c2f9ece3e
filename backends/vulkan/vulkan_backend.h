// The Vulkan backend: runs whole segments of the graph as one command buffer
// on a Vulkan device. The loader is opened at first use; without a loader,
// driver or device the backend is unavailable (with a reason), never fatal.
#pragma once

#include <memory>

#include "runtime/backend.h"

namespace odin {

std::unique_ptr<Backend> make_vulkan_backend();

namespace vk {

struct ContextOptions;
class Context;

// A backend with explicit options (a device choice, extra driver-bug
// entries); the process-wide one comes from find_backend("vulkan").
std::unique_ptr<Backend> make_vulkan_backend(const ContextOptions& options);

// The device behind a Vulkan backend once available() is true; else null.
Context* backend_context(Backend& backend);

}  // namespace vk
}  // namespace odin
