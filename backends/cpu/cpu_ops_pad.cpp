// PAD (zeros; an int8/uint8 zero point) on NHWC-style tensors of rank <= 4, one memcpy per pixel (a
// PAD that its reader can absorb never gets here: passes/fold_pad.cpp).
#include <algorithm>
#include <cstring>

#include "backends/cpu/cpu_op.h"
#include "core/const_data.h"
#include "ops/quantized.h"

namespace odin {
namespace {

class PadOp final : public CpuOp {
 public:
  PadOp(std::array<int64_t, 4> in, std::array<int64_t, 4> out, std::array<int64_t, 4> before,
        size_t elem, uint8_t fill)
      : in_(in), out_(out), before_(before), elem_(elem), fill_(fill) {}
  void run(std::span<const ConstTensorView> in, std::span<const TensorView> out,
           ThreadPool& pool) override {
    const auto* src = in[0].as<uint8_t>();
    auto* dst = out[0].as<uint8_t>();
    const int64_t rows = out_[0] * out_[1];
    const size_t out_pixel = static_cast<size_t>(out_[3]) * elem_;
    const size_t in_pixel = static_cast<size_t>(in_[3]) * elem_;
    const size_t c_before = static_cast<size_t>(before_[3]) * elem_;
    const size_t c_after = out_pixel - in_pixel - c_before;
    pool.parallel_for(rows, 8, [&](int64_t r0, int64_t r1, int) {
      for (int64_t r = r0; r < r1; ++r) {
        const int64_t n = r / out_[1] - before_[0], h = r % out_[1] - before_[1];
        uint8_t* row = dst + static_cast<size_t>(r * out_[2]) * out_pixel;
        if (n < 0 || n >= in_[0] || h < 0 || h >= in_[1]) {
          std::memset(row, fill_, static_cast<size_t>(out_[2]) * out_pixel);
          continue;
        }
        const uint8_t* src_row = src + static_cast<size_t>((n * in_[1] + h) * in_[2]) * in_pixel;
        for (int64_t w = 0; w < out_[2]; ++w) {
          uint8_t* px = row + static_cast<size_t>(w) * out_pixel;
          const int64_t x = w - before_[2];
          if (x < 0 || x >= in_[2]) {
            std::memset(px, fill_, out_pixel);
            continue;
          }
          if (c_before) std::memset(px, fill_, c_before);
          std::memcpy(px + c_before, src_row + static_cast<size_t>(x) * in_pixel, in_pixel);
          if (c_after) std::memset(px + c_before + in_pixel, fill_, c_after);
        }
      }
    });
  }

 private:
  std::array<int64_t, 4> in_, out_, before_;
  size_t elem_;
  uint8_t fill_;  // every byte of a padded element (ops/quantized.h pad_fill_byte)
};

std::unique_ptr<CpuOp> make_pad(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  if (n.inputs.size() != 2 || n.outputs.size() != 1 || n.inputs[1] == kNoValue) return nullptr;
  const Value& in = g.value(n.inputs[0]);
  const Value& out = g.value(n.outputs[0]);
  const size_t rank = in.shape.rank();
  if (rank == 0 || rank > 4 || !in.shape.is_static() || !out.shape.is_static()) return nullptr;
  if (in.dtype != out.dtype || dtype_size(in.dtype) == 0 || in.is_constant()) return nullptr;
  const std::optional<std::vector<int64_t>> pads = read_int_constant(g.value(n.inputs[1]));
  if (!pads || pads->size() != 2 * rank) return nullptr;
  for (size_t d = 0; d < rank; ++d)
    if ((*pads)[2 * d] < 0 || out.shape[d] != in.shape[d] + (*pads)[2 * d] + (*pads)[2 * d + 1])
      return nullptr;
  std::array<int64_t, 4> before = {0, 0, 0, 0};
  for (size_t d = 0; d < rank; ++d) before[4 - rank + d] = (*pads)[2 * d];
  auto op = std::make_unique<PadOp>(dims4(in.shape), dims4(out.shape), before, dtype_size(in.dtype),
                                    pad_fill_byte(out));
  op->reads = {n.inputs[0]};
  op->writes = n.outputs;
  return op;
}

constexpr CpuOpEntry kEntries[] = {{OpType::kPad, make_pad}};

}  // namespace

std::span<const CpuOpEntry> cpu_pad_ops() {
  return kEntries;
}

}  // namespace odin
