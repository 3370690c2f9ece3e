// An LLM file opened from disk: GGUF or .odin (told by their magic) or a
// llama2.c checkpoint, memory-mapped, with its weights described and its
// vocabulary when the file carries one (llama2.c checkpoints do not).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/graph.h"
#include "core/mapped_file.h"
#include "format/llm/llm_weights.h"
#include "text/vocab.h"

namespace odin {

// The op graph a .odin file stores (llm/llm_graph.h's, constants pointing
// into the file) and the builder options it was made with (LlmGraphOptions,
// resolved: n_ctx is the KV cache rows, max_batch at most n_ctx).
struct StoredLlmGraph {
  Graph graph;
  int64_t n_ctx = 0;
  int64_t max_batch = 0;
  DType kv_dtype = DType::kF16;
};

struct LlmFile {
  std::shared_ptr<MappedFile> map;  // the weights point into it
  std::string container;            // "GGUF v3", "llama2.c", "odin v1 (from GGUF v3)"
  LlmWeights weights;
  std::optional<Vocab> vocab;
  // The chat template as the file gives it (GGUF tokenizer.chat_template, a
  // Jinja source); empty when the file has none. llm/chat_template.h picks
  // a built-in format by its markers.
  std::string chat_template;
  std::optional<StoredLlmGraph> graph;  // .odin files that carry one
};

// True for bytes that start with the GGUF magic.
bool is_gguf(std::span<const uint8_t> bytes);

// Opens `path` as an LLM. A GGUF or .odin file that holds only a vocabulary
// (no tensors) opens with its vocab and empty weights, so tokenizers can be
// used on its own; `require_weights` refuses it.
Result<std::unique_ptr<LlmFile>> open_llm_file(const std::string& path, bool require_weights);

}  // namespace odin
