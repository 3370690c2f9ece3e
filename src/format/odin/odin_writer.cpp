#include "format/odin/odin_writer.h"

#include <cstdio>
#include <filesystem>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>

#include "format/odin/odin_reader.h"
#include "format/odin/odin_schema.h"
#include "quant/weight_rows.h"

namespace odin {
namespace {

namespace fb = model_fb;
using flatbuffers::Offset;
using odin_schema::to_fb;

uint64_t align_up(uint64_t n) {
  return (n + kOdinTensorAlignment - 1) / kOdinTensorAlignment * kOdinTensorAlignment;
}

template <typename... Args>
Status fail(const Args&... args) {
  return make_error(StatusCode::kInvalidArgument, args...);
}

class Writer {
 public:
  Writer(const LlmFile& file, const StoredLlmGraph* graph) : file_(file), graph_(graph) {}

  // What needs no FlatBuffer: each tensor's place in the data section and
  // each graph constant's tensor.
  Status prepare() {
    const std::vector<LlmTensor>& tensors = file_.weights.tensors;
    uint64_t at = 0;
    for (size_t i = 0; i < tensors.size(); ++i) {
      const LlmTensor& t = tensors[i];
      at = align_up(at);
      placement_.push_back(at);
      at += t.data.size();
      data_bytes_ += t.data.size();
      if (!t.data.empty()) by_data_.emplace(t.data.data(), static_cast<int32_t>(i));
    }
    data_end_ = at;
    if (!graph_) return Status();
    const Graph& g = graph_->graph;
    for (size_t v = 0; v < g.num_values(); ++v) {
      const Value& value = g.values()[v];
      const std::string what = g.describe_value(static_cast<ValueId>(v));
      if (value.released) return fail(what, ": its bytes were released, so they cannot be written");
      if (value.sparsity) return fail(what, ": sparse constants are not stored in .odin files");
      int32_t index = -1;
      if (value.is_constant()) {
        const auto it = by_data_.find(value.data);
        if (it == by_data_.end() ||
            tensors[static_cast<size_t>(it->second)].data.size() != value.data_bytes)
          return fail(what,
                      ": a constant that is not one of the model's tensors (.odin stores "
                      "graph constants as references to them)");
        index = it->second;
        const DType stored = dtype_of(tensors[static_cast<size_t>(index)].format);
        if (value.dtype != stored)
          return fail(what, " is ", dtype_name(value.dtype), " but its tensor is ",
                      dtype_name(stored));
      }
      constant_tensor_.push_back(index);
    }
    return Status();
  }

  // The size-prefixed FlatBuffer, with tensor offsets counted from
  // `data_start` (where the data section begins in the file).
  Result<flatbuffers::DetachedBuffer> build(uint64_t data_start) {
    flatbuffers::FlatBufferBuilder b(1 << 16);
    // Every scalar written, so the buffer's size does not depend on the
    // offsets' values (build runs twice: see write_odin).
    b.ForceDefaults(true);
    std::vector<Offset<fb::Tensor>> tensors;
    for (size_t i = 0; i < file_.weights.tensors.size(); ++i) {
      const LlmTensor& t = file_.weights.tensors[i];
      const auto dtype = to_fb(dtype_of(t.format));
      if (!dtype) return fail("tensor '", t.name, "': no .odin dtype for its format");
      tensors.push_back(fb::CreateTensor(b, b.CreateString(t.name), *dtype, b.CreateVector(t.dims),
                                         data_start + placement_[i], t.data.size()));
    }
    Offset<fb::LlmConfig> config;
    if (!file_.weights.tensors.empty()) {
      const LlmConfig& c = file_.weights.config;
      config = fb::CreateLlmConfig(b, b.CreateString(c.architecture), c.n_embd, c.n_ff, c.n_layer,
                                   c.n_head, c.n_head_kv, c.head_dim, c.n_vocab, c.n_ctx_train,
                                   c.rope_freq_base, c.rms_norm_eps, c.tied_output, c.qkv_bias,
                                   c.qk_norm);
    }
    Offset<fb::Vocab> vocab;
    if (file_.vocab) vocab = write_vocab(b, *file_.vocab);
    Offset<fb::Graph> graph;
    if (graph_) {
      auto g = write_graph(b);
      if (!g.ok()) return g.status();
      graph = *g;
    }
    Offset<flatbuffers::String> chat;
    if (!file_.chat_template.empty()) chat = b.CreateString(file_.chat_template);
    const auto model = fb::CreateModel(b, kOdinFormatVersion, b.CreateString("odin"),
                                       b.CreateString(file_.container), config,
                                       b.CreateVector(tensors), vocab, chat, graph);
    fb::FinishSizePrefixedModelBuffer(b, model);
    return b.Release();
  }

  uint64_t placement(size_t i) const { return placement_[i]; }
  uint64_t data_end() const { return data_end_; }
  uint64_t data_bytes() const { return data_bytes_; }

 private:
  Offset<fb::Vocab> write_vocab(flatbuffers::FlatBufferBuilder& b, const Vocab& v) {
    std::vector<uint8_t> types;
    types.reserve(v.types.size());
    for (TokenType t : v.types) types.push_back(static_cast<uint8_t>(t));
    const auto pieces = b.CreateVectorOfStrings(v.pieces);
    const auto scores = b.CreateVector(v.scores);
    const auto token_types = b.CreateVector(types);
    const auto merges = b.CreateVectorOfStrings(v.merges);
    const auto pre = b.CreateString(v.pre);
    return fb::CreateVocab(b,
                           v.model == TokenizerModel::kBytePairBpe
                               ? fb::TokenizerModel::BYTE_LEVEL_BPE
                               : fb::TokenizerModel::SENTENCEPIECE,
                           pieces, scores, token_types, v.bos, v.eos, v.unk, v.add_bos,
                           v.add_space_prefix, merges, pre);
  }

  // The node's attributes as the schema's union member; an error for the
  // kinds the schema has no table for.
  Result<std::pair<fb::Attrs, Offset<void>>> write_attrs(flatbuffers::FlatBufferBuilder& b,
                                                         const Graph& g, NodeId id) {
    const Node& n = g.node(id);
    using Out = std::pair<fb::Attrs, Offset<void>>;
    auto activation = [&](Activation a) -> Result<fb::Activation> {
      const auto act = to_fb(a);
      if (!act)
        return fail(g.describe_node(id), ": fused activation ", activation_name(a),
                    " has no .odin value");
      return *act;
    };
    return std::visit(
        [&](const auto& a) -> Result<Out> {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            return Out{fb::Attrs::NONE, 0};
          } else if constexpr (std::is_same_v<T, BinaryAttrs>) {
            ODIN_ASSIGN_OR_RETURN(fb::Activation act, activation(a.activation));
            const OperandPad& p = a.operand_pad;
            Offset<flatbuffers::Vector<int64_t>> before, after;
            if (p.active()) {
              before = b.CreateVector(p.before.data(), p.before.size());
              after = b.CreateVector(p.after.data(), p.after.size());
            }
            return Out{
                fb::Attrs::BinaryAttrs,
                fb::CreateBinaryAttrs(b, act, p.active() ? p.input : -1, before, after).Union()};
          } else if constexpr (std::is_same_v<T, FullyConnectedAttrs>) {
            ODIN_ASSIGN_OR_RETURN(fb::Activation act, activation(a.activation));
            return Out{fb::Attrs::FullyConnectedAttrs,
                       fb::CreateFullyConnectedAttrs(b, act, a.keep_num_dims).Union()};
          } else if constexpr (std::is_same_v<T, GatherAttrs>) {
            return Out{fb::Attrs::GatherAttrs,
                       fb::CreateGatherAttrs(b, a.axis, a.batch_dims).Union()};
          } else if constexpr (std::is_same_v<T, RmsNormAttrs>) {
            return Out{fb::Attrs::RmsNormAttrs, fb::CreateRmsNormAttrs(b, a.epsilon).Union()};
          } else if constexpr (std::is_same_v<T, RopeAttrs>) {
            return Out{fb::Attrs::RopeAttrs,
                       fb::CreateRopeAttrs(b, a.head_dim, a.n_rot, a.theta_base, a.neox).Union()};
          } else if constexpr (std::is_same_v<T, AttentionAttrs>) {
            return Out{fb::Attrs::AttentionAttrs,
                       fb::CreateAttentionAttrs(b, a.n_head, a.n_kv_head, a.head_dim, a.scale,
                                                a.v_head_dim)
                           .Union()};
          } else if constexpr (std::is_same_v<T, ReshapeAttrs>) {
            Offset<flatbuffers::Vector<int32_t>> dims;
            if (a.has_new_shape) dims = b.CreateVector(a.new_shape);
            return Out{fb::Attrs::ReshapeAttrs, fb::CreateReshapeAttrs(b, dims).Union()};
          } else {
            return fail(g.describe_node(id), ": .odin files cannot store its attributes yet (",
                        "attribute kind ", n.attrs.index(), " of core/attrs.h OpAttrs)");
          }
        },
        n.attrs);
  }

  Result<Offset<fb::Graph>> write_graph(flatbuffers::FlatBufferBuilder& b) {
    const Graph& g = graph_->graph;
    std::vector<Offset<fb::Value>> values;
    for (size_t i = 0; i < g.num_values(); ++i) {
      const Value& v = g.values()[i];
      const auto dtype = to_fb(v.dtype);
      if (!dtype)
        return fail(g.describe_value(static_cast<ValueId>(i)), ": no .odin dtype for ",
                    dtype_name(v.dtype));
      Offset<flatbuffers::Vector<Offset<flatbuffers::String>>> symbols;
      if (v.shape.has_symbols()) {
        std::vector<std::string> names;
        for (size_t d = 0; d < v.shape.rank(); ++d) names.push_back(v.shape.symbol(d));
        symbols = b.CreateVectorOfStrings(names);
      }
      if (v.quant && v.quant->bits != 8)  // TFLite's INT4 weights: written as .tflite
        return fail(g.describe_value(static_cast<ValueId>(i)), ": ", v.quant->bits,
                    "-bit values have no .odin form");
      Offset<fb::Quantization> quant;
      if (v.quant)
        quant = fb::CreateQuantization(b, b.CreateVector(v.quant->scales),
                                       b.CreateVector(v.quant->zero_points), v.quant->axis);
      values.push_back(fb::CreateValue(b, b.CreateString(v.name), *dtype,
                                       b.CreateVector(v.shape.dims()), symbols, v.persistent,
                                       constant_tensor_[i], quant));
    }
    std::vector<Offset<fb::Node>> nodes;
    for (size_t i = 0; i < g.num_nodes(); ++i) {
      const Node& n = g.nodes()[i];
      ODIN_ASSIGN_OR_RETURN(auto attrs, write_attrs(b, g, static_cast<NodeId>(i)));
      nodes.push_back(fb::CreateNode(b, b.CreateString(op_type_name(n.op)), b.CreateString(n.name),
                                     b.CreateVector(n.inputs), b.CreateVector(n.outputs),
                                     attrs.first, attrs.second));
    }
    std::vector<Offset<fb::DimSymbol>> symbols;
    for (const DimSymbol& s : g.dim_symbols())
      symbols.push_back(fb::CreateDimSymbol(b, b.CreateString(s.name), s.max));
    const auto kv = to_fb(graph_->kv_dtype);
    if (!kv) return fail("KV cache dtype ", dtype_name(graph_->kv_dtype), " has no .odin dtype");
    return fb::CreateGraph(b, b.CreateVector(values), b.CreateVector(nodes),
                           b.CreateVector(g.inputs()), b.CreateVector(g.outputs()),
                           b.CreateVector(symbols), graph_->n_ctx, graph_->max_batch, *kv);
  }

  const LlmFile& file_;
  const StoredLlmGraph* graph_;
  std::vector<uint64_t> placement_;  // each tensor's offset in the data section
  uint64_t data_end_ = 0, data_bytes_ = 0;
  std::unordered_map<const uint8_t*, int32_t> by_data_;
  std::vector<int32_t> constant_tensor_;  // per graph value: its tensor, or -1
};

// Writes `n` zero bytes.
bool pad(std::FILE* f, uint64_t n) {
  static const uint8_t kZeros[kOdinTensorAlignment] = {};
  while (n > 0) {
    const size_t k = static_cast<size_t>(std::min<uint64_t>(n, sizeof kZeros));
    if (std::fwrite(kZeros, 1, k, f) != k) return false;
    n -= k;
  }
  return true;
}

}  // namespace

Result<OdinWriteSummary> write_odin(const std::string& path, const LlmFile& file,
                                    const StoredLlmGraph* graph) {
  if (file.weights.tensors.empty() && !file.vocab)
    return fail(path, ": nothing to write (no tensors and no vocabulary)");
  Writer w(file, graph);
  ODIN_RETURN_IF_ERROR(w.prepare());
  // The FlatBuffer holds the tensors' offsets, which start after it: build
  // once to learn its size, then again with the data section placed there.
  // With every scalar written the size cannot change between the two.
  ODIN_ASSIGN_OR_RETURN(flatbuffers::DetachedBuffer probe, w.build(0));
  const uint64_t data_start = align_up(probe.size());
  ODIN_ASSIGN_OR_RETURN(flatbuffers::DetachedBuffer meta, w.build(data_start));
  if (meta.size() != probe.size())
    return make_error(StatusCode::kInternal, "odin writer: metadata size changed from ",
                      probe.size(), " to ", meta.size(), " bytes");

  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return make_error(StatusCode::kIo, "cannot create ", tmp);
  bool ok = std::fwrite(meta.data(), 1, meta.size(), f) == meta.size() &&
            pad(f, data_start - meta.size());
  uint64_t at = data_start;
  for (size_t i = 0; ok && i < file.weights.tensors.size(); ++i) {
    const std::span<const uint8_t> data = file.weights.tensors[i].data;
    const uint64_t want = data_start + w.placement(i);
    ok = pad(f, want - at) && std::fwrite(data.data(), 1, data.size(), f) == data.size();
    at = want + data.size();
  }
  ok = std::fclose(f) == 0 && ok;
  std::error_code ec;
  if (ok) std::filesystem::rename(tmp, path, ec);
  if (!ok || ec) {
    std::filesystem::remove(tmp, ec);
    return make_error(StatusCode::kIo, "cannot write ", path,
                      ok ? " (renaming the temporary file failed)" : " (disk full?)");
  }
  OdinWriteSummary s;
  s.tensors = file.weights.tensors.size();
  s.file_bytes = at;
  s.metadata_bytes = meta.size();
  s.data_bytes = w.data_bytes();
  s.vocab_size = file.vocab ? file.vocab->size() : 0;
  s.graph_nodes = graph ? graph->graph.num_nodes() : 0;
  return s;
}

}  // namespace odin
