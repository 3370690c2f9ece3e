// Re-storing an LLM's weight matrices in another block format (odin convert
// --quant): each row decoded to float32 and quantized again with the
// reference quantizer of quant/block_quant.h.
#pragma once

#include <cstdint>
#include <vector>

#include "format/llm/llm_weights.h"

namespace odin {

struct LlmRequantized {
  // The new tensors' bytes: `weights` points into them from now on.
  std::vector<std::vector<uint8_t>> storage;
  int64_t to_target = 0;  // matrices now in the target format
  int64_t to_q8_0 = 0;    // the classifier, and rows the target's blocks do not divide
  int64_t unchanged = 0;  // token_embd, norms, and rows no block divides
};

// Matrices (expected_llm_tensors' non-vectors) go to `target`, except
// token_embd.weight (rows are gathered, not multiplied: kept as stored) and
// output.weight, which goes to Q8_0, as llama.cpp keeps the classifier at
// higher precision for its 4-bit types (llama-quant.cpp: Q6_K). A matrix
// whose rows are not whole blocks of the target falls back to Q8_0, else
// stays as it is. `target` is Q8_0, Q4_0, Q4_K, Q6_K or M0E4.
Result<LlmRequantized> requantize_llm_weights(LlmWeights& weights, BlockFormat target);

}  // namespace odin
