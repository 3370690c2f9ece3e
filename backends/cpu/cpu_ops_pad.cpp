// PAD (zeros) on NHWC-style tensors of rank <= 4, one memcpy per pixel, and
// ADD with a channel-padded operand (the PAD folded into the ADD).
#include <algorithm>
#include <cstring>

#include "backends/cpu/cpu_op.h"
#include "kernels/cpu/cpu_kernels.h"

namespace odin {
namespace {

// Constant paddings [rank][2] as int64; false if not constant ints.
bool read_paddings(const Value& p, size_t rank, std::vector<int64_t>* out) {
  if (!p.is_constant() || p.shape != Shape{static_cast<int64_t>(rank), 2}) return false;
  out->resize(2 * rank);
  for (size_t i = 0; i < 2 * rank; ++i) {
    if (p.dtype == DType::kI32) {
      int32_t x;
      std::memcpy(&x, p.data + 4 * i, 4);
      (*out)[i] = x;
    } else if (p.dtype == DType::kI64) {
      std::memcpy(&(*out)[i], p.data + 8 * i, 8);
    } else {
      return false;
    }
    if ((*out)[i] < 0 || (*out)[i] > (int64_t{1} << 30)) return false;
  }
  return true;
}

// Shapes padded to rank 4 on the left: [n, h, w, c].
std::array<int64_t, 4> dims4(const Shape& s) {
  std::array<int64_t, 4> d = {1, 1, 1, 1};
  for (size_t i = 0; i < s.rank(); ++i) d[4 - s.rank() + i] = s[i];
  return d;
}

class PadOp final : public CpuOp {
 public:
  PadOp(std::array<int64_t, 4> in, std::array<int64_t, 4> out, std::array<int64_t, 4> before,
        size_t elem)
      : in_(in), out_(out), before_(before), elem_(elem) {}
  void run(std::span<const void* const> in, std::span<void* const> out, ThreadPool& pool) override {
    const auto* src = static_cast<const uint8_t*>(in[0]);
    auto* dst = static_cast<uint8_t*>(out[0]);
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
          std::memset(row, 0, static_cast<size_t>(out_[2]) * out_pixel);
          continue;
        }
        const uint8_t* src_row = src + static_cast<size_t>((n * in_[1] + h) * in_[2]) * in_pixel;
        for (int64_t w = 0; w < out_[2]; ++w) {
          uint8_t* px = row + static_cast<size_t>(w) * out_pixel;
          const int64_t x = w - before_[2];
          if (x < 0 || x >= in_[2]) {
            std::memset(px, 0, out_pixel);
            continue;
          }
          if (c_before) std::memset(px, 0, c_before);
          std::memcpy(px + c_before, src_row + static_cast<size_t>(x) * in_pixel, in_pixel);
          if (c_after) std::memset(px + c_before + in_pixel, 0, c_after);
        }
      }
    });
  }

 private:
  std::array<int64_t, 4> in_, out_, before_;
  size_t elem_;
};

class ChannelPadAddOp final : public CpuOp {
 public:
  ChannelPadAddOp(int64_t pixels, int64_t cx, int64_t c, cpu::Clamp clamp)
      : pixels_(pixels), cx_(cx), c_(c), clamp_(clamp) {}
  void run(std::span<const void* const> in, std::span<void* const> out, ThreadPool& pool) override {
    const auto* x = static_cast<const float*>(in[0]);
    const auto* y = static_cast<const float*>(in[1]);
    auto* o = static_cast<float*>(out[0]);
    pool.parallel_for(pixels_, std::max<int64_t>(1, 16384 / c_), [&](int64_t p0, int64_t p1, int) {
      cpu::add_channel_padded(x + p0 * cx_, cx_, y + p0 * c_, o + p0 * c_, p1 - p0, c_, clamp_);
    });
  }

 private:
  int64_t pixels_, cx_, c_;
  cpu::Clamp clamp_;
};

}  // namespace

std::unique_ptr<CpuOp> make_pad_op(const CpuOpContext& ctx, const Node& n) {
  const Graph& g = ctx.graph;
  if (n.op != OpType::kPad || n.inputs.size() != 2 || n.outputs.size() != 1) return nullptr;
  const Value& in = g.value(n.inputs[0]);
  const Value& out = g.value(n.outputs[0]);
  const size_t rank = in.shape.rank();
  if (rank == 0 || rank > 4 || !in.shape.is_static() || !out.shape.is_static()) return nullptr;
  if (in.dtype != out.dtype || dtype_size(in.dtype) == 0 || in.is_constant()) return nullptr;
  std::vector<int64_t> pads;
  if (!read_paddings(g.value(n.inputs[1]), rank, &pads)) return nullptr;
  for (size_t d = 0; d < rank; ++d)
    if (out.shape[d] != in.shape[d] + pads[2 * d] + pads[2 * d + 1]) return nullptr;
  std::array<int64_t, 4> before = {0, 0, 0, 0};
  for (size_t d = 0; d < rank; ++d) before[4 - rank + d] = pads[2 * d];
  auto op =
      std::make_unique<PadOp>(dims4(in.shape), dims4(out.shape), before, dtype_size(in.dtype));
  op->reads = {n.inputs[0]};
  op->writes = n.outputs;
  return op;
}

std::unique_ptr<CpuOp> make_channel_pad_add_op(const CpuOpContext& ctx, const Node& add,
                                               const Node& pad) {
  const Graph& g = ctx.graph;
  const auto* attrs = std::get_if<BinaryAttrs>(&add.attrs);
  cpu::Clamp clamp;
  if (add.op != OpType::kAdd || !attrs || !cpu::clamp_of(attrs->activation, &clamp)) return nullptr;
  if (add.inputs.size() != 2 || add.outputs.size() != 1 || pad.outputs.size() != 1) return nullptr;
  const ValueId padded = pad.outputs[0];
  const ValueId other = add.inputs[0] == padded ? add.inputs[1] : add.inputs[0];
  if (add.inputs[0] != padded && add.inputs[1] != padded) return nullptr;
  const Value& x = g.value(pad.inputs[0]);
  const Value& y = g.value(other);
  const Value& out = g.value(add.outputs[0]);
  if (x.dtype != DType::kF32 || y.dtype != DType::kF32 || out.dtype != DType::kF32) return nullptr;
  if (x.is_constant() || y.shape != out.shape || g.value(padded).shape != out.shape) return nullptr;
  const size_t rank = x.shape.rank();
  if (rank == 0 || !x.shape.is_static() || out.shape.rank() != rank) return nullptr;
  std::vector<int64_t> pads;
  if (!read_paddings(g.value(pad.inputs[1]), rank, &pads)) return nullptr;
  for (size_t i = 0; i + 1 < 2 * rank; ++i)  // only the last dim, only at its end
    if (pads[i] != 0) return nullptr;
  const int64_t c = out.shape[rank - 1], cx = x.shape[rank - 1];
  if (cx + pads[2 * rank - 1] != c || cx < 1) return nullptr;
  auto op = std::make_unique<ChannelPadAddOp>(out.shape.num_elements() / c, cx, c, clamp);
  op->reads = {pad.inputs[0], other};
  op->writes = add.outputs;
  return op;
}

}  // namespace odin
