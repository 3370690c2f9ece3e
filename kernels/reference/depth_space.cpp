// DEPTH_TO_SPACE and SPACE_TO_DEPTH, NHWC, TFLite's order
// (kernels/internal/reference/reference_ops.h):
//   depth_to_space: out[b, h*bs+dy, w*bs+dx, c] = in[b, h, w, (dy*bs+dx)*C_out + c]
// and space_to_depth is exactly its inverse. Both are one index mapping
// between the "deep" tensor [B,H,W,bs*bs*C] and the "wide" one [B,H*bs,W*bs,C].
#include "kernels/reference/index_walk.h"
#include "kernels/reference/ref_util.h"
#include "kernels/reference/reference.h"

namespace odin::ref {
namespace {

// Walks the deep tensor in the wide tensor's order and copies either way.
void move_blocks(int64_t bs, const Shape& deep, const ConstTensorView& in, const TensorView& out,
                 bool to_space) {
  const int64_t B = deep[0], H = deep[1], W = deep[2], C = deep[3] / (bs * bs);
  const size_t elem = dtype_size(in.dtype);
  int64_t wide = 0;  // row-major index into [B, H*bs, W*bs, C]
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t dy = 0; dy < bs; ++dy)
        for (int64_t w = 0; w < W; ++w)
          for (int64_t dx = 0; dx < bs; ++dx)
            for (int64_t c = 0; c < C; ++c, ++wide) {
              const int64_t d = ((b * H + h) * W + w) * bs * bs * C + (dy * bs + dx) * C + c;
              if (to_space)
                copy_element(out.data, wide, in.data, d, elem);
              else
                copy_element(out.data, d, in.data, wide, elem);
            }
}

Status check(const char* op, const BlockAttrs& attrs, const ConstTensorView& in,
             const TensorView& out) {
  ODIN_RETURN_IF_ERROR(expect_same_dtype(op, in, out));
  if (in.shape.rank() != 4)
    return make_error(StatusCode::kInvalidArgument, op, ": input must be 4-D, is ", in.shape.str());
  if (attrs.block_size < 1 || attrs.block_size > 65536)
    return make_error(StatusCode::kInvalidArgument, op, ": bad block_size ", attrs.block_size);
  return Status();
}

}  // namespace

Status depth_to_space(const BlockAttrs& attrs, const ConstTensorView& in, const TensorView& out) {
  ODIN_RETURN_IF_ERROR(check("DEPTH_TO_SPACE", attrs, in, out));
  const int64_t bs = attrs.block_size;
  const Shape& s = in.shape;
  if (s[3] % (bs * bs) != 0)
    return make_error(StatusCode::kInvalidArgument, "DEPTH_TO_SPACE: channels ", s[3],
                      " not divisible by ", bs * bs);
  ODIN_RETURN_IF_ERROR(expect_out_shape("DEPTH_TO_SPACE", out,
                                        Shape({s[0], s[1] * bs, s[2] * bs, s[3] / (bs * bs)})));
  move_blocks(bs, s, in, out, true);
  return Status();
}

Status space_to_depth(const BlockAttrs& attrs, const ConstTensorView& in, const TensorView& out) {
  ODIN_RETURN_IF_ERROR(check("SPACE_TO_DEPTH", attrs, in, out));
  const int64_t bs = attrs.block_size;
  const Shape& s = in.shape;
  if (s[1] % bs != 0 || s[2] % bs != 0)
    return make_error(StatusCode::kInvalidArgument, "SPACE_TO_DEPTH: H and W of ", s.str(),
                      " not divisible by ", bs);
  const Shape deep({s[0], s[1] / bs, s[2] / bs, s[3] * bs * bs});
  ODIN_RETURN_IF_ERROR(expect_out_shape("SPACE_TO_DEPTH", out, deep));
  move_blocks(bs, deep, in, out, false);
  return Status();
}

Status depth_to_space_node(const KernelArgs& args) {
  const auto* a = args.attrs<BlockAttrs>();
  if (!a) return missing_attrs(args);
  return depth_to_space(*a, args.input(0), args.outputs[0]);
}

Status space_to_depth_node(const KernelArgs& args) {
  const auto* a = args.attrs<BlockAttrs>();
  if (!a) return missing_attrs(args);
  return space_to_depth(*a, args.input(0), args.outputs[0]);
}

}  // namespace odin::ref
