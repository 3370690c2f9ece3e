// Reads odin's own model files (.odin, schema in odin_model.fbs) as
// untrusted input: the FlatBuffer is verified, then every index, offset,
// size, alignment, dtype and shape is checked before anything points into
// the bytes. Tensors are used in place; nothing is copied.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "format/llm/llm_file.h"

namespace odin {

inline constexpr uint32_t kOdinFormatVersion = 1;
// Every tensor's offset in the file is a multiple of this.
inline constexpr uint64_t kOdinTensorAlignment = 64;

// True for bytes that carry the "ODIN" file identifier (after the
// FlatBuffer's size prefix and root offset).
bool is_odin(std::span<const uint8_t> bytes);

struct OdinContents {
  uint32_t version = 0;
  std::string producer;  // "odin"
  std::string source;    // what the file was converted from ("GGUF v3")
  LlmWeights weights;    // validated (validate_llm_weights) when it has tensors
  std::optional<Vocab> vocab;
  std::string chat_template;
  std::optional<StoredLlmGraph> graph;  // validated (Graph::validate)
};

// Parses `bytes` (a whole .odin file). Tensors and graph constants point
// into `bytes`; the graph retains `storage`, which must keep them alive.
// `require_weights` refuses a file without tensors. Errors name `source`.
Result<OdinContents> read_odin(std::span<const uint8_t> bytes, std::shared_ptr<const void> storage,
                               const std::string& source, bool require_weights);

}  // namespace odin
