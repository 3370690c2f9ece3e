#include "backends/vulkan/vk_quant.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "core/const_data.h"

namespace odin::vk {

bool is_per_tensor_affine(const Value& v) {
  return is_affine_dtype(v.dtype) && v.quant && v.quant->scales.size() == 1;
}

int32_t signed_spec(DType dtype) {
  return dtype == DType::kI8 ? 1 : 0;
}

int32_t zero_of(const Value& v) {
  return v.quant ? zero_point_of(*v.quant, 0) : 0;
}

std::string sum_overflow(const Graph& g, const Node& node, int64_t terms) {
  int64_t bias = 0;
  if (node.inputs.size() > 2 && node.inputs[2] != kNoValue)
    for (int64_t b : read_int_constant(g.value(node.inputs[2])).value_or(std::vector<int64_t>{}))
      bias = std::max(bias, b < 0 ? -b : b);
  // |(x - x_zero)(w - w_zero)| <= 255 * 255 for int8 and uint8 alike.
  constexpr int64_t kMaxProduct = 255 * 255;
  if (terms <= (std::numeric_limits<int32_t>::max() - bias) / kMaxProduct) return {};
  return str_cat("with ", terms, " products per output (int32 sums could overflow) not supported");
}

int32_t add_channel_params(LowerContext& ctx, const Node& node, int64_t channels) {
  const Graph& g = ctx.graph();
  const QuantParams& x = *g.value(node.inputs[0]).quant;
  const QuantParams& w = *g.value(node.inputs[1]).quant;
  const QuantParams& y = *g.value(node.outputs[0]).quant;
  const std::vector<FixedPointMultiplier> m = output_multipliers(x, w, y, channels);
  std::vector<int64_t> bias;
  if (node.inputs.size() > 2 && node.inputs[2] != kNoValue)
    bias = read_int_constant(g.value(node.inputs[2])).value_or(std::vector<int64_t>{});
  bias.resize(static_cast<size_t>(channels), 0);
  std::vector<int32_t> params;
  for (int64_t c = 0; c < channels; ++c) {
    const auto i = static_cast<size_t>(c);
    params.insert(params.end(), {static_cast<int32_t>(bias[i]), zero_point_of(w, i),
                                 m[i].multiplier, m[i].shift});
  }
  std::vector<uint8_t> bytes(params.size() * 4);
  std::memcpy(bytes.data(), params.data(), bytes.size());
  return ctx.add_bytes(std::move(bytes));
}

void push_multiplier(Dispatch& d, FixedPointMultiplier m) {
  d.push_int(m.multiplier);
  d.push_int(m.shift);
}

void push_output_range(Dispatch& d, const Value& out, Activation activation) {
  const int32_t zero = zero_of(out);
  const QuantizedRange r =
      quantized_activation_range(activation, out.dtype, scale_of(*out.quant, 0), zero);
  for (int32_t v : {zero, r.min, r.max}) d.push_int(v);
}

Operand q8_operand(LowerContext& ctx, ValueId v) {
  const Value& val = ctx.graph().value(v);
  if (!val.is_constant()) return Operand::value(v);
  const auto n = static_cast<size_t>(val.shape.num_elements()) * dtype_size(val.dtype);
  std::vector<uint8_t> bytes(n, 0);
  if (val.data && val.data_bytes >= n) std::memcpy(bytes.data(), val.data, n);
  return Operand::weights(ctx.add_bytes(std::move(bytes)));
}

void set_word_invocations(Dispatch& d, int64_t elements) {
  set_invocations(d, (elements + 3) / 4);
}

}  // namespace odin::vk
