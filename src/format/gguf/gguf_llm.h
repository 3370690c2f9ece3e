// A parsed GGUF file as LlmWeights: the architecture's hyperparameters from
// its metadata ({arch}.embedding_length, ...; keys from ggml docs/gguf.md,
// "LLM" section) and its tensors, validated (validate_llm_weights).
#pragma once

#include <string>

#include "format/gguf/gguf_file.h"
#include "format/llm/llm_weights.h"

namespace odin::gguf {

Result<LlmWeights> llm_weights(const GgufFile& file, const std::string& source);

}  // namespace odin::gguf
