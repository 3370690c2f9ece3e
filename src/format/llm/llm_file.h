// An LLM file opened from disk: GGUF (told by its magic) or a llama2.c
// checkpoint, memory-mapped, with its weights described and its vocabulary
// when the file carries one (llama2.c checkpoints do not).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/mapped_file.h"
#include "format/llm/llm_weights.h"
#include "text/vocab.h"

namespace odin {

struct LlmFile {
  std::shared_ptr<MappedFile> map;  // the weights point into it
  std::string container;            // "GGUF v3", "llama2.c"
  LlmWeights weights;
  std::optional<Vocab> vocab;
};

// True for bytes that start with the GGUF magic.
bool is_gguf(std::span<const uint8_t> bytes);

// Opens `path` as an LLM. A GGUF file that holds only a vocabulary (no
// tensors) opens with its vocab and empty weights, so tokenizers can be used
// on its own; `require_weights` refuses it.
Result<std::unique_ptr<LlmFile>> open_llm_file(const std::string& path, bool require_weights);

}  // namespace odin
