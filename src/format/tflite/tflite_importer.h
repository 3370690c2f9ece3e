// Imports a .tflite FlatBuffer into odin's Graph. The file is verified before
// anything is read, then every index, shape, size and buffer range is checked;
// constants point into the caller's storage (never copied unless misaligned).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/graph.h"

namespace odin {

// `bytes` must stay alive as long as the graph: pass the owner in `storage`
// (it is retained by the graph). `source_name` prefixes error messages.
Result<Graph> import_tflite(std::span<const uint8_t> bytes, std::shared_ptr<const void> storage,
                            const std::string& source_name);

// Memory-maps `path` and imports it.
Result<Graph> load_tflite_file(const std::string& path);

}  // namespace odin
