// Writes odin's own model files (.odin, schema in odin_model.fbs): an LLM's
// config, tensors, vocabulary, chat template and, when given, its op graph,
// with each tensor's bytes 64-byte aligned after the FlatBuffer so a reader
// uses them in place from its mapping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "format/llm/llm_file.h"

namespace odin {

struct OdinWriteSummary {
  size_t tensors = 0;
  uint64_t file_bytes = 0;
  uint64_t metadata_bytes = 0;  // the FlatBuffer, size prefix included
  uint64_t data_bytes = 0;      // tensor bytes (without alignment padding)
  int32_t vocab_size = 0;       // 0 without a vocabulary
  size_t graph_nodes = 0;       // 0 without a graph
};

// Writes `file` (weights, vocab, chat template; `container` is recorded as
// the source) and `graph` when not null to `path`, through a temporary file
// renamed at the end. The graph's constants must be the weights' tensors
// (the same bytes): they are stored as indices. Attributes of kinds the
// format does not store, sparse or released constants are errors naming the
// node or value.
Result<OdinWriteSummary> write_odin(const std::string& path, const LlmFile& file,
                                    const StoredLlmGraph* graph);

}  // namespace odin
