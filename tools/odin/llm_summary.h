// What `odin inspect` prints for an LLM file (GGUF, .odin or llama2.c).
#pragma once

#include <string>

namespace odin::cli {

// True when `path` is an LLM file: GGUF magic, .odin identifier, or a
// llama2.c ".bin".
bool is_llm_file(const std::string& path);

// Architecture, size, parameter count, quantization mix, vocabulary and
// context of the LLM at `path`; returns the exit code.
int inspect_llm(const std::string& path);

}  // namespace odin::cli
