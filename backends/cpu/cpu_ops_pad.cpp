// PAD (zeros; an int8/uint8 zero point) on NHWC-style tensors of rank <= 4, one memcpy per pixel (a
// PAD that its reader can absorb never gets here: passes/fold_pad.cpp).
#include <algorithm>
#include <cstring>

#include "backends/cpu/cpu_op.h"
#include "core/const_data.h"
#include "ops/quantized.h"

namespace odin {
namespace {

// memcpy of a pixel: a few fixed-size moves (the last one overlapping)
// instead of a library call per pixel, which cost most of a channel PAD's
// time on narrow int8 pixels (24 bytes).
inline void copy_pixel(uint8_t* dst, const uint8_t* src, size_t n) {
  if (n >= 16) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) std::memcpy(dst + i, src + i, 16);
    if (i < n) std::memcpy(dst + n - 16, src + n - 16, 16);
  } else if (n >= 8) {
    std::memcpy(dst, src, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

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
        // The whole row filled at once, then the pixels copied over it.
        if (c_before || c_after || out_[2] != in_[2])
          std::memset(row, fill_, static_cast<size_t>(out_[2]) * out_pixel);
        const int64_t w0 = std::max<int64_t>(before_[2], 0);
        const int64_t w1 = std::min<int64_t>(out_[2], before_[2] + in_[2]);
        for (int64_t w = w0; w < w1; ++w)
          copy_pixel(row + static_cast<size_t>(w) * out_pixel + c_before,
                     src_row + static_cast<size_t>(w - before_[2]) * in_pixel, in_pixel);
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
