#include "llm/llm_requantize.h"

#include <unordered_set>

namespace odin {
namespace {

bool divides_rows(BlockFormat format, const LlmTensor& t) {
  return !t.dims.empty() && block_row_bytes(format, t.dims[0]) >= 0;
}

// `t` decoded row by row and quantized to `format`, into `out`.
Status requantize(LlmTensor& t, BlockFormat format, std::vector<uint8_t>& out) {
  const int64_t row = t.dims[0];
  const int64_t rows = row > 0 ? t.num_elements() / row : 0;
  const int64_t in_bytes = block_row_bytes(t.format, row), out_bytes = block_row_bytes(format, row);
  if (in_bytes < 0 || out_bytes < 0 || static_cast<int64_t>(t.data.size()) < rows * in_bytes)
    return make_error(StatusCode::kInvalidArgument, t.name, ": rows do not decode");
  out.resize(static_cast<size_t>(rows * out_bytes));
  std::vector<float> f(static_cast<size_t>(row));
  for (int64_t r = 0; r < rows; ++r) {
    dequantize_row(t.format, t.data.data() + r * in_bytes, f);
    if (!quantize_row(format, f, out.data() + r * out_bytes))
      return make_error(StatusCode::kUnsupported, "no quantizer for ",
                        block_format_info(format).name);
  }
  t.format = format;
  t.data = out;
  return Status::ok_status();
}

}  // namespace

Result<LlmRequantized> requantize_llm_weights(LlmWeights& weights, BlockFormat target) {
  if (target != BlockFormat::kQ8_0 && target != BlockFormat::kQ4_0 &&
      target != BlockFormat::kQ4_K && target != BlockFormat::kQ6_K && target != BlockFormat::kM0E4)
    return make_error(StatusCode::kInvalidArgument, "cannot requantize to ",
                      block_format_info(target).name);
  std::unordered_set<std::string> matrices;
  for (const ExpectedTensor& e : expected_llm_tensors(weights.config))
    if (!e.vector && e.name != "token_embd.weight") matrices.insert(e.name);
  LlmRequantized r;
  r.storage.reserve(weights.tensors.size());
  for (LlmTensor& t : weights.tensors) {
    BlockFormat want = t.name == "output.weight" ? BlockFormat::kQ8_0 : target;
    if (!divides_rows(want, t)) want = BlockFormat::kQ8_0;
    if (!matrices.contains(t.name) || !divides_rows(want, t) || t.format == want) {
      ++r.unchanged;
      continue;
    }
    r.storage.emplace_back();
    ODIN_RETURN_IF_ERROR(requantize(t, want, r.storage.back()));
    ++(want == target ? r.to_target : r.to_q8_0);
  }
  return r;
}

}  // namespace odin
