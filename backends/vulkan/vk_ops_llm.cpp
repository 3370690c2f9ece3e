// The LLM ops (src/llm/llm_graph.cpp): RMS_NORM (kernels/vulkan/rms_norm.comp),
// ROPE (rope.comp), SWIGLU (swiglu.comp), EMBEDDING (embedding.comp) and
// FULLY_CONNECTED over block-quantized weights (block_fully_connected.comp):
// Q8_0, Q4_0, M0E4, Q4_K, Q6_K.
// All take dims set per run (VkOp::run_dims): an LLM's `seq` rows.
// Block weights are repacked once at compile into an fp32 scale per block
// and the block's quants in whole 32-bit words (blocks.glsl), since the
// stored blocks (34 and 18 bytes) are not word-aligned.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include "backends/vulkan/vk_lower.h"
#include "quant/block_quant.h"
#include "quant/fp16.h"
#include "quant/weight_rows.h"
#include "runtime/kernel_tuning.h"

namespace odin::vk {
namespace {

constexpr int kFloatRows = 3;  // blocks.glsl's FORMAT of plain fp32 rows
constexpr int kHalfRows = 6;   // and of fp16 rows, two to a word
// Rows from which FULLY_CONNECTED takes the tiled matmul over the GEMV,
// and ATTENTION attention_tiled.comp over attention.comp.
constexpr int64_t kTiledRows = 4;

// blocks.glsl's FORMAT of a stored dtype; nullopt when the kernels lack it.
std::optional<int> block_kernel_format(DType t) {
  switch (t) {
    case DType::kQ8_0:
      return 0;
    case DType::kQ4_0:
      return 1;
    case DType::kM0E4:
      return 2;
    case DType::kF32:
      return kFloatRows;
    case DType::kF16:
      return kHalfRows;
    case DType::kQ4_K:
      return 4;
    case DType::kQ6_K:
      return 5;
    default:
      return std::nullopt;
  }
}

// A [rows, depth] constant as the kernels read it (blob indices).
struct RepackedWeights {
  int format = 0;
  int32_t scales = 0, quants = 0;
};

template <class T>
std::vector<uint8_t> as_bytes(const std::vector<T>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(T));
  if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
  return b;
}

float half_at(const uint8_t* p) {
  return fp16_to_fp32(static_cast<uint16_t>(p[0] | (p[1] << 8)));
}

// Q4_K and Q6_K (super-blocks of 256) as blocks of 32 with two floats each
// (blocks.glsl), the products the reference decoder forms, so the values
// are the same: Q4_K's d * scale and dmin * min per 32, its nibbles moved
// to value j low / j + 16 high; Q6_K's d * scale per 16, its 6-bit values
// (minus 32) as int8, read back from the decoded row.
Result<RepackedWeights> repack_k_quants(LowerContext& ctx, const Value& w, RepackedWeights r) {
  const bool q4 = r.format == 4;
  const int64_t rows = w.shape[0], depth = w.shape[1];
  const size_t super_bytes = q4 ? 144 : 210, supers = static_cast<size_t>(rows * (depth / 256));
  if (w.data == nullptr || w.data_bytes < supers * super_bytes)
    return make_error(StatusCode::kInvalidArgument, "vulkan: weights ", w.name, " hold ",
                      w.data_bytes, " bytes, fewer than ", supers, " blocks of ",
                      dtype_name(w.dtype));
  const size_t blocks = supers * 8;
  std::vector<float> scales(blocks * 2);
  std::vector<uint8_t> quants(blocks * (q4 ? 16 : 32));
  std::vector<float> row(static_cast<size_t>(depth));
  for (int64_t i = 0; i < rows; ++i) {
    if (!q4 && !decode_weight_row(w.dtype, w.data, i, row))
      return make_error(StatusCode::kInvalidArgument, "vulkan: weights ", w.name,
                        " are not readable rows of ", dtype_name(w.dtype));
    for (int64_t sb = 0; sb < depth / 256; ++sb) {
      const size_t super = static_cast<size_t>(i * (depth / 256) + sb);
      const uint8_t* p = w.data + super * super_bytes;
      for (size_t k = 0; k < 8; ++k) {  // the blocks of 32
        const size_t b = super * 8 + k;
        if (q4) {
          int sc = 0, m = 0;
          q4_k_scale_min(static_cast<int>(k), p + 4, &sc, &m);
          scales[2 * b] = half_at(p) * static_cast<float>(sc);
          scales[2 * b + 1] = half_at(p + 2) * static_cast<float>(m);
          // Block k: the low (k even) or high nibbles of bytes 32 * (k / 2)..+31.
          const uint8_t* q = p + 16 + 32 * (k / 2);
          auto nib = [&](size_t l) { return k % 2 == 0 ? q[l] & 0x0F : q[l] >> 4; };
          for (size_t j = 0; j < 16; ++j)
            quants[b * 16 + j] = static_cast<uint8_t>(nib(j) | (nib(j + 16) << 4));
        } else {
          const float d = half_at(p + 208);
          for (size_t h = 0; h < 2; ++h) {
            const float scale = d * static_cast<float>(static_cast<int8_t>(p[192 + 2 * k + h]));
            scales[2 * b + h] = scale;
            for (size_t j = 0; j < 16; ++j) {
              const float y = row[sb * 256 + k * 32 + h * 16 + j];
              const long q = scale != 0.0f ? std::lround(y / scale) : 0;
              quants[b * 32 + h * 16 + j] = static_cast<uint8_t>(static_cast<int8_t>(q));
            }
          }
        }
      }
    }
  }
  r.scales = ctx.add_bytes(as_bytes(scales));
  r.quants = ctx.add_bytes(std::move(quants));
  return r;
}

Result<RepackedWeights> repack_once(LowerContext& ctx, ValueId v) {
  const Value& w = ctx.graph().value(v);
  RepackedWeights r;
  r.format = *block_kernel_format(w.dtype);
  const int64_t rows = w.shape[0], depth = w.shape[1];
  if (r.format == kHalfRows) {  // as stored
    const auto bytes = static_cast<size_t>(rows * depth * 2);
    if (w.data == nullptr || w.data_bytes < bytes)
      return make_error(StatusCode::kInvalidArgument, "vulkan: weights ", w.name, " hold ",
                        w.data_bytes, " bytes, fewer than ", bytes, " of F16 rows");
    r.scales = ctx.add_bytes(std::vector<uint8_t>(w.data, w.data + bytes));
    r.quants = r.scales;
    return r;
  }
  if (r.format == kFloatRows) {
    std::vector<float> values(static_cast<size_t>(rows * depth));
    for (int64_t i = 0; i < rows; ++i)
      if (!decode_weight_row(
              w.dtype, w.data, i,
              std::span<float>(values.data() + i * depth, static_cast<size_t>(depth))))
        return make_error(StatusCode::kInvalidArgument, "vulkan: weights ", w.name,
                          " are not readable rows of ", dtype_name(w.dtype));
    r.scales = ctx.add_bytes(as_bytes(values));
    r.quants = r.scales;  // unused by the kernels; bound for the layout
    return r;
  }
  if (r.format == 4 || r.format == 5) return repack_k_quants(ctx, w, r);
  const bool q8 = r.format == 0;
  const size_t block_bytes = q8 ? 34 : 18, quant_bytes = q8 ? 32 : 16;
  const size_t blocks = static_cast<size_t>(rows * (depth / 32));
  if (w.data == nullptr || w.data_bytes < blocks * block_bytes)
    return make_error(StatusCode::kInvalidArgument, "vulkan: weights ", w.name, " hold ",
                      w.data_bytes, " bytes, fewer than ", blocks, " blocks of ",
                      dtype_name(w.dtype));
  std::vector<float> scales(blocks);
  std::vector<uint8_t> quants(blocks * quant_bytes);
  for (size_t b = 0; b < blocks; ++b) {
    const uint8_t* p = w.data + b * block_bytes;
    scales[b] = half_at(p);
    std::memcpy(quants.data() + b * quant_bytes, p + 2, quant_bytes);
  }
  r.scales = ctx.add_bytes(as_bytes(scales));
  r.quants = ctx.add_bytes(std::move(quants));
  return r;
}

// Repacked once per segment: a table two nodes read (token_embd as the
// embedding and the tied output matmul) is uploaded once.
Result<RepackedWeights> repack(LowerContext& ctx, ValueId v) {
  if (const std::vector<int32_t> blobs = ctx.blobs_of(v, "block_rows"); blobs.size() == 3)
    return RepackedWeights{blobs[0], blobs[1], blobs[2]};
  ODIN_ASSIGN_OR_RETURN(const RepackedWeights r, repack_once(ctx, v));
  ctx.remember_blobs(v, "block_rows", {r.format, r.scales, r.quants});
  return r;
}

// A constant [rows, depth] table or matrix the kernels read (blocks.glsl).
Support supports_weight_rows(const Graph& g, const Node& node, size_t input, bool floats_ok) {
  const ValueId v = node.inputs.size() > input ? node.inputs[input] : kNoValue;
  if (v == kNoValue || !g.value(v).is_constant())
    return decline(node, "with run-time (non-constant) weights not supported");
  const Value& w = g.value(v);
  const std::optional<int> format = block_kernel_format(w.dtype);
  const bool floats = format && (*format == kFloatRows || *format == kHalfRows);
  if (!format || (floats && !floats_ok))
    return decline(node, str_cat("with ", dtype_name(w.dtype),
                                 " weights not supported (Q8_0, Q4_0, M0E4, Q4_K, Q6_K",
                                 floats_ok ? ", F16, F32)" : ")"));
  const int64_t block = *format == 4 || *format == 5 ? 256 : floats ? 1 : 32;
  if (w.shape.rank() != 2 || w.shape[1] % block != 0)
    return decline(node, str_cat("with weights ", w.shape.str(), " not supported"));
  return Support::yes();
}

Support supports_rms_norm(const Graph& g, const Node& node) {
  if (!float_constant_or_absent(g, node, 1) || node.inputs.size() < 2 || node.inputs[1] == kNoValue)
    return decline(node, "with a run-time weight not supported");
  return Support::yes();
}

Status lower_rms_norm(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<RmsNormAttrs>(node.attrs);
  const int64_t d = g.value(node.inputs[1]).shape.num_elements();
  const int64_t rows = g.value(node.inputs[0]).shape.num_elements() / d;
  Dispatch x;
  x.kernel = "rms_norm";
  x.push_int(rows);
  x.push_int(d);
  x.push_float(a.epsilon);
  x.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0]),
                input_operand(ctx, node.inputs[1])};
  set_invocations(x, rows * 64);  // a workgroup per row
  out->dispatches.push_back(std::move(x));
  return Status();
}

Support supports_rope(const Graph& g, const Node& node) {
  const auto& a = std::get<RopeAttrs>(node.attrs);
  const Shape& in = g.value(node.inputs[0]).shape;
  if (in.rank() != 2 || a.head_dim < 2 || in[1] % a.head_dim != 0 || a.n_rot < 2 ||
      a.n_rot > a.head_dim || a.n_rot % 2 != 0)
    return decline(node, str_cat("on ", in.str(), " with head_dim ", a.head_dim, " and n_rot ",
                                 a.n_rot, " not supported"));
  const Value& pos = g.value(node.inputs[1]);
  if (pos.dtype != DType::kI32 || pos.is_constant())
    return decline(node, "needs run-time int32 positions");
  return Support::yes();
}

Status lower_rope(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const auto& a = std::get<RopeAttrs>(node.attrs);
  const Shape& in = ctx.graph().value(node.inputs[0]).shape;
  Dispatch d;
  d.kernel = "rope";
  d.push_int(in.num_elements());
  d.push_int(in[1]);
  d.push_int(a.head_dim);
  d.push_int(a.n_rot);
  d.push_int(a.neox ? 1 : 0);
  // The reference's theta scale, computed the same way (host float pow).
  d.push_float(std::pow(a.theta_base, -2.0f / static_cast<float>(a.n_rot)));
  d.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0]),
                Operand::value(node.inputs[1])};
  set_invocations(d, in.num_elements());
  out->dispatches.push_back(std::move(d));
  return Status();
}

Support supports_swiglu(const Graph& g, const Node& node) {
  if (node.inputs.size() != 2 || g.value(node.inputs[0]).is_constant() ||
      g.value(node.inputs[1]).is_constant())
    return decline(node, "with a constant operand not supported");
  if (g.value(node.inputs[0]).shape.num_elements() != g.value(node.inputs[1]).shape.num_elements())
    return decline(node, "with operands of different sizes not supported");
  return Support::yes();
}

Status lower_swiglu(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const int64_t n = ctx.graph().value(node.outputs[0]).shape.num_elements();
  Dispatch d;
  d.kernel = "swiglu";
  d.push_int(n);
  d.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0]),
                Operand::value(node.inputs[1])};
  set_invocations(d, n);
  out->dispatches.push_back(std::move(d));
  return Status();
}

Support supports_embedding(const Graph& g, const Node& node) {
  if (Support s = supports_weight_rows(g, node, 0, true); !s.ok) return s;
  const Value& ids = g.value(node.inputs[1]);
  if (ids.dtype != DType::kI32 || ids.is_constant() || ids.shape.rank() != 1)
    return decline(node, "needs run-time int32 ids of rank 1");
  return Support::yes();
}

Status lower_embedding(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const Shape& table = g.value(node.inputs[0]).shape;
  const int64_t n = g.value(node.outputs[0]).shape.num_elements();
  ODIN_ASSIGN_OR_RETURN(const RepackedWeights w, repack(ctx, node.inputs[0]));
  Dispatch d;
  d.kernel = "embedding";
  d.spec = {0, w.format};
  d.push_int(n);
  d.push_int(table[1]);
  d.push_int(table[0]);
  d.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[1]),
                Operand::weights(w.scales), Operand::weights(w.quants)};
  set_invocations(d, n);
  out->dispatches.push_back(std::move(d));
  return Status();
}

// The KV cache lives on the device (VkOp::device_state): float16 rows of
// head_dim, values as wide as keys, head_dim even (two to a word) and at
// most 256 (attention.comp's four dims per thread, attention_tiled.comp's
// four groups of 64).
Support supports_attention(const Graph& g, const Node& node) {
  const auto& a = std::get<AttentionAttrs>(node.attrs);
  if (node.inputs.size() != 6 || node.inputs[2] == kNoValue || node.inputs[5] == kNoValue)
    return decline(node, "with values inside the K cache (latent attention) not supported");
  if (a.value_dim() != a.head_dim || a.head_dim % 2 != 0 || a.head_dim > 256 || a.n_kv_head < 1 ||
      a.n_head % a.n_kv_head != 0)
    return decline(node, str_cat("with head_dim ", a.head_dim, " and value_dim ", a.value_dim(),
                                 " not supported (equal, even, at most 256)"));
  for (size_t i : {size_t{4}, size_t{5}}) {
    const Value& c = g.value(node.inputs[i]);
    if (!c.persistent || c.dtype != DType::kF16)
      return decline(
          node, str_cat("with a ", dtype_name(c.dtype), " KV cache not supported (float16 only)"));
    if (c.shape.rank() != 3 || c.shape[0] != a.n_kv_head || c.shape[2] != a.head_dim)
      return decline(node, str_cat("with a KV cache of ", c.shape.str(), " not supported"));
  }
  const Value& pos = g.value(node.inputs[3]);
  if (pos.dtype != DType::kI32 || pos.is_constant())
    return decline(node, "needs run-time int32 positions");
  // The cache must not be shared with another node (it never reaches the host).
  for (size_t n = 0; n < g.num_nodes(); ++n) {
    if (&g.node(static_cast<NodeId>(n)) == &node) continue;
    for (ValueId v : g.node(static_cast<NodeId>(n)).inputs)
      if (v == node.inputs[4] || v == node.inputs[5])
        return decline(node, "whose KV cache another node reads not supported");
  }
  return Support::yes();
}

// Two cache stores (kv_store.comp, K then V), then attention.comp or
// attention_tiled.comp.
// Shared memory attention_tiled.comp declares for its spec constants (QT =
// tile, DA = dim_groups): the tile's queries, the staged cache rows, the
// scores and the per-query softmax state.
int64_t attention_tiled_shared_bytes(int64_t tile, int64_t dim_groups) {
  const int64_t staged_rows = dim_groups <= 2 ? 64 : 32, dims4 = 16 * dim_groups;
  return tile * dims4 * 16 + staged_rows * (32 * dim_groups + 1) * 4 + tile * 16 * 16 +
         tile * 4 * 4 + tile * 4;
}

Status lower_attention(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<AttentionAttrs>(node.attrs);
  const int64_t rows = g.value(node.inputs[0]).shape[0];
  const int64_t kv_width = int64_t{a.n_kv_head} * a.head_dim;
  const int64_t n_ctx = g.value(node.inputs[4]).shape[1];
  // Whole workgroups per row (kv_store.comp), so a run's rows are stored
  // and no stale row past them is.
  constexpr int64_t kGroup = 64;
  const int64_t row_span = (kv_width / 2 + kGroup - 1) / kGroup * kGroup;
  for (int c = 0; c < 2; ++c) {
    const ValueId src = node.inputs[static_cast<size_t>(1 + c)];
    Dispatch d;
    d.kernel = "kv_store";
    d.group = kGroup;
    for (int64_t v : {row_span, kv_width, int64_t{a.head_dim}, n_ctx}) d.push_int(v);
    d.bindings = {Operand::value(node.inputs[static_cast<size_t>(4 + c)]), Operand::value(src),
                  Operand::value(node.inputs[3])};
    d.follows = src;  // this run's rows only: later rows hold stale positions
    set_invocations(d, rows * row_span);
    out->dispatches.push_back(std::move(d));
  }
  auto attend = [&](const char* kernel) {
    Dispatch d;
    d.kernel = kernel;
    for (int64_t v : {rows, int64_t{a.n_head}, int64_t{a.n_kv_head}, int64_t{a.head_dim}, n_ctx})
      d.push_int(v);
    d.push_float(a.scale != 0.0f ? a.scale : 1.0f / std::sqrt(static_cast<float>(a.head_dim)));
    d.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0]),
                  Operand::value(node.inputs[4]), Operand::value(node.inputs[5]),
                  Operand::value(node.inputs[3])};
    d.rows = rows;
    return d;
  };
  // Runs of fewer than kTiledRows rows (decode) take attention.comp, a
  // workgroup per (row, head); longer ones (prompts) attention_tiled.comp,
  // a workgroup per (tile of rows, head) sharing each staged tile of the
  // cache. Both give a row the same sums in the same order.
  // Value dims by groups of 64 (1, 2 or 4), and as many rows per tile as
  // leave a thread 32 sums (attention_tiled.comp); the tiled kernel only
  // where the device gives a workgroup the shared memory it stages in.
  const int64_t dim_groups = a.head_dim <= 64 ? 1 : a.head_dim <= 128 ? 2 : 4;
  const int64_t tile = 32 / dim_groups;
  const bool tiled = rows >= kTiledRows && attention_tiled_shared_bytes(tile, dim_groups) <=
                                               int64_t{ctx.shared_memory_bytes()};
  const bool run_rows = g.value(node.outputs[0]).shape.has_symbols();
  if (!tiled || run_rows) {
    Dispatch d = attend("attention");
    if (tiled) d.max_rows = kTiledRows - 1;
    set_invocations(d, rows * a.n_head * 64);
    out->dispatches.push_back(std::move(d));
  }
  if (tiled) {
    Dispatch d = attend("attention_tiled");
    d.spec = {static_cast<int32_t>(tile), static_cast<int32_t>(dim_groups)};
    d.min_rows = kTiledRows;
    d.row_tile = tile;
    set_invocations(d, (rows + tile - 1) / tile * a.n_head * 64);
    out->dispatches.push_back(std::move(d));
  }
  return Status();
}

uint64_t embedding_binding_bytes(const Graph& g, const Node& node) {
  return block_weight_binding_bytes(g, node.inputs[0]);
}

constexpr VkOp kOps[] = {
    {OpType::kAttention, supports_attention, lower_attention, true, true, true},
    {OpType::kRmsNorm, supports_rms_norm, lower_rms_norm, true},
    {OpType::kRope, supports_rope, lower_rope, true, false, true},
    {OpType::kSwiglu, supports_swiglu, lower_swiglu, true},
    {OpType::kEmbedding, supports_embedding, lower_embedding, true, false, true,
     embedding_binding_bytes},
};

}  // namespace

bool has_block_weights(const Graph& g, const Node& node) {
  return node.inputs.size() > 1 && node.inputs[1] != kNoValue &&
         is_block_quantized(g.value(node.inputs[1]).dtype);
}

uint64_t block_weight_binding_bytes(const Graph& g, ValueId v) {
  const Value& w = g.value(v);
  const std::optional<int> format = block_kernel_format(w.dtype);
  const auto n = static_cast<uint64_t>(std::max<int64_t>(w.shape.num_elements(), 0));
  if (!format) return 0;
  if (*format == kFloatRows) return n * 4;
  if (*format == kHalfRows) return n * 2;
  // Quants (a byte or a nibble per value) outweigh the scales (one or two
  // floats per 32 values).
  return *format == 0 || *format == 5 ? n : n / 2;
}

Support supports_block_fully_connected(const Graph& g, const Node& node) {
  if (Support s = supports_weight_rows(g, node, 1, false); !s.ok) return s;
  if (!float_constant_or_absent(g, node, 2)) return decline(node, "with a run-time bias");
  const int64_t depth = g.value(node.inputs[1]).shape[1];
  if (g.value(node.inputs[0]).shape.num_elements() % depth != 0)
    return decline(node, "whose input does not flatten onto its weights");
  return Support::yes();
}

Status lower_block_fully_connected(LowerContext& ctx, const Node& node, LoweredNode* out) {
  const Graph& g = ctx.graph();
  const auto& a = std::get<FullyConnectedAttrs>(node.attrs);
  const Shape& ws = g.value(node.inputs[1]).shape;
  const int64_t units = ws[0], depth = ws[1];
  const int64_t rows = g.value(node.inputs[0]).shape.num_elements() / depth;
  ODIN_ASSIGN_OR_RETURN(const RepackedWeights w, repack(ctx, node.inputs[1]));
  std::vector<float> bias(static_cast<size_t>(units), 0.0f);
  if (node.inputs.size() > 2 && node.inputs[2] != kNoValue)
    bias = constant_floats(ctx, node.inputs[2]);
  const int32_t bias_blob = ctx.add_weights(std::move(bias));
  // Runs of fewer than kTiledRows rows (decode) take the GEMV, longer ones
  // (prefill) the tiled matmul; with rows set per run, both are recorded,
  // each for its rows (Dispatch::min_rows).
  const bool run_rows = g.value(node.outputs[0]).shape.has_symbols();
  auto base = [&](const char* kernel, int32_t variant) {
    Dispatch d;
    d.kernel = kernel;
    d.spec = {static_cast<int32_t>(a.activation), w.format, variant};
    d.push_int(rows);
    d.push_int(units);
    d.push_int(depth);
    d.bindings = {Operand::value(node.outputs[0]), Operand::value(node.inputs[0]),
                  Operand::weights(w.scales), Operand::weights(w.quants),
                  Operand::weights(bias_blob)};
    d.rows = rows;
    return d;
  };
  const int64_t dims[] = {rows, units, depth, w.format};
  if (rows < kTiledRows || run_rows) {
    // A workgroup of 64 per output value (tile 0), or one invocation per
    // output value (tile 1): the default on CPU devices, where the
    // workgroups' barriers dominate. The tuner may measure both.
    const TuneParams split{64, 0}, per_thread{64, 1};
    const TuneParams gpu_order[] = {split, per_thread}, cpu_order[] = {per_thread, split};
    const TuneParams choice =
        ctx.tune(tune_shape_key("block_fully_connected", dims),
                 ctx.cpu_device() ? std::span<const TuneParams>(cpu_order) : gpu_order);
    const bool one_per_thread = choice.tile == 1;
    Dispatch d = base(!one_per_thread && ctx.subgroups() ? "block_fully_connected_subgroup"
                                                         : "block_fully_connected",
                      one_per_thread ? 1 : 0);
    d.max_rows = kTiledRows - 1;
    set_invocations(d, rows * units * (one_per_thread ? 1 : 64));
    out->dispatches.push_back(std::move(d));
  }
  if (rows >= kTiledRows) {
    // Tiles of `tile` rows x 64 outputs, a workgroup each.
    const TuneParams tiles[] = {{64, 16}, {64, 8}, {64, 32}};
    const int64_t tile = ctx.tune(tune_shape_key("block_matmul_tiled", dims), tiles).tile;
    Dispatch d = base("block_matmul_tiled", static_cast<int32_t>(tile));
    d.min_rows = kTiledRows;
    d.row_tile = tile;
    set_invocations(d, (rows + tile - 1) / tile * ((units + 63) / 64) * 64);
    out->dispatches.push_back(std::move(d));
  }
  return Status();
}

std::span<const VkOp> vk_llm_ops() {
  return kOps;
}

}  // namespace odin::vk
