// Converting an LLM file (GGUF, llama2.c, .odin) to odin's own format: its
// weights, vocabulary and chat template with the op graph the builder makes
// for `options`, which LlmModel::open then uses as stored (llm_context.h).
#pragma once

#include <optional>
#include <string>

#include "format/odin/odin_writer.h"
#include "llm/llm_graph.h"
#include "llm/llm_requantize.h"

namespace odin {

struct OdinConversion {
  std::string source;  // the input's container: "GGUF v3", "llama2.c"
  OdinWriteSummary written;
  LlmGraphInfo graph;          // what the stored graph was built for
  LlmRequantized requantized;  // with `quant`: what went where (its storage released)
};

// With `quant`, the weight matrices are stored in that format
// (requantize_llm_weights).
Result<OdinConversion> convert_to_odin(const std::string& in, const std::string& out,
                                       const LlmGraphOptions& options,
                                       std::optional<BlockFormat> quant = std::nullopt);

}  // namespace odin
