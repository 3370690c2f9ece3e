// llama2.c checkpoints (Karpathy's stories*.bin, the legacy "version 0"
// export): a header of seven int32 (dim, hidden_dim, n_layers, n_heads,
// n_kv_heads, vocab_size, seq_len; a negative vocab_size means the
// classifier is stored separately) and then float32 tensors, each kind for
// all layers in turn. Layout: llama2.c's run.c (memory_map_weights).
// Parsed as untrusted input: the header's sizes must account for the file
// exactly. Tensors point into `bytes`, which must outlive the result.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/status.h"
#include "format/llm/llm_weights.h"

namespace odin {

constexpr size_t kLlama2cHeaderBytes = 7 * 4;

// Validated weights under GGUF names (architecture llama, RMS epsilon 1e-5
// and RoPE base 10000 as run.c uses); `source` names the file in errors.
Result<LlmWeights> read_llama2c(std::span<const uint8_t> bytes, const std::string& source);

}  // namespace odin
