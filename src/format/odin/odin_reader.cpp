#include "format/odin/odin_reader.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "format/flatbuffer_alignment.h"
#include "format/odin/odin_schema.h"
#include "quant/weight_rows.h"

namespace odin {
namespace {

namespace fb = model_fb;
using odin_schema::from_fb;

constexpr size_t kMaxRank = 8;
// Far above any LLM graph (a 2^20-token context, 2^16-token batches), low
// enough that a session's plan of them cannot overflow.
constexpr int64_t kMaxSymbolSize = int64_t{1} << 20;

uint32_t read_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

std::string dims_string(const flatbuffers::Vector<int64_t>& dims) {
  std::string s = "[";
  for (flatbuffers::uoffset_t i = 0; i < dims.size(); ++i)
    s += (i ? ", " : "") + std::to_string(dims.Get(i));
  return s + "]";
}

// Name -> op, from the IR's own list (op_type_name).
const std::unordered_map<std::string_view, OpType>& ops_by_name() {
  static const auto* map = [] {
    auto* m = new std::unordered_map<std::string_view, OpType>;
    for (size_t i = 0; i < static_cast<size_t>(OpType::kCount); ++i)
      m->emplace(op_type_name(static_cast<OpType>(i)), static_cast<OpType>(i));
    return m;
  }();
  return *map;
}

class Reader {
 public:
  Reader(std::span<const uint8_t> bytes, std::shared_ptr<const void> storage, std::string source)
      : bytes_(bytes), storage_(std::move(storage)), source_(std::move(source)) {}

  Result<OdinContents> read(bool require_weights) {
    ODIN_RETURN_IF_ERROR(verify());
    const fb::Model* m = fb::GetSizePrefixedModel(bytes_.data());
    OdinContents out;
    out.version = m->version();
    if (out.version != kOdinFormatVersion)
      return make_error(StatusCode::kUnsupported, source_, ": .odin format version ", out.version,
                        " (this odin reads version ", kOdinFormatVersion, ")");
    out.producer = str(m->producer());
    out.source = str(m->source());
    ODIN_RETURN_IF_ERROR(read_tensors(*m, out));
    if (out.weights.tensors.empty() && require_weights)
      return fail("the file holds no LLM weights");
    if (m->vocab()) {
      ODIN_ASSIGN_OR_RETURN(Vocab vocab, read_vocab(*m->vocab()));
      out.vocab = std::move(vocab);
    }
    out.chat_template = str(m->chat_template());
    if (m->graph()) {
      ODIN_ASSIGN_OR_RETURN(StoredLlmGraph graph, read_graph(*m->graph()));
      out.graph = std::move(graph);
    }
    return out;
  }

 private:
  template <typename... Args>
  Status fail(const Args&... args) const {
    return make_error(StatusCode::kInvalidModel, source_, ": ", args...);
  }

  Status verify() {
    // Size prefix, root offset, identifier.
    if (bytes_.size() < 12 || !is_odin(bytes_))
      return fail("not a .odin file (no \"ODIN\" identifier at byte 8)");
    const uint64_t meta = uint64_t{4} + read_u32(bytes_.data());
    if (meta > bytes_.size())
      return fail("the metadata claims ", meta, " bytes but the file has ", bytes_.size(),
                  " (truncated?)");
    if (meta >= FLATBUFFERS_MAX_BUFFER_SIZE)
      return fail("the metadata claims ", meta, " bytes, more than a FlatBuffer holds");
    meta_end_ = meta;
    flatbuffers::Verifier::Options opts;
    opts.max_depth = 64;
    opts.max_tables = 10'000'000;
    flatbuffers::Verifier verifier(bytes_.data(), static_cast<size_t>(meta), opts);
    if (!fb::VerifySizePrefixedModelBuffer(verifier))
      return fail("FlatBuffer verification failed: the file is truncated or corrupt");
    return Status();
  }

  Status read_tensors(const fb::Model& m, OdinContents& out) {
    const auto* tensors = m.tensors();
    const size_t n = tensors ? tensors->size() : 0;
    for (size_t i = 0; i < n; ++i) {
      const fb::Tensor* t = tensors->Get(static_cast<flatbuffers::uoffset_t>(i));
      const std::string name = t->name()->str();
      const std::string what = str_cat("tensor ", i, " '", name, "'");
      const auto dtype = from_fb(t->dtype());
      if (!dtype || *dtype == DType::kUnknown)
        return fail(what, ": unknown dtype ", static_cast<int>(t->dtype()));
      if (!elements_aligned(t->dims())) return fail(what, ": misaligned dims");
      const auto& dims = *t->dims();
      if (dims.size() < 1 || dims.size() > 4)
        return fail(what, ": ", dims.size(), " dims (1 to 4 expected)");
      std::vector<int64_t> ggml(dims.begin(), dims.end());
      for (int64_t d : ggml)
        if (d < 0) return fail(what, ": negative dimension in ", dims_string(dims));
      const int64_t need =
          tensor_bytes(*dtype, Shape(std::vector<int64_t>(ggml.rbegin(), ggml.rend())));
      if (need < 0)
        return fail(what, ": ", dtype_name(*dtype), " ", dims_string(dims),
                    " is too large or not whole blocks");
      const uint64_t offset = t->offset(), size = t->size();
      if (size != static_cast<uint64_t>(need))
        return fail(what, ": holds ", size, " bytes, ", dtype_name(*dtype), " ", dims_string(dims),
                    " needs ", need);
      if (offset % kOdinTensorAlignment != 0)
        return fail(what, ": data offset ", offset, " is not a multiple of ", kOdinTensorAlignment);
      if (offset < meta_end_ || offset > bytes_.size() || size > bytes_.size() - offset)
        return fail(what, ": data [", offset, ", ", offset + size,
                    ") is outside the data section [", meta_end_, ", ", bytes_.size(), ")");
      const std::span<const uint8_t> data =
          bytes_.subspan(static_cast<size_t>(offset), static_cast<size_t>(size));
      tensors_.push_back({*dtype, data});
      // Block formats (and F32/F16/BF16) are LLM weights; other dtypes only
      // serve graph constants.
      if (const auto format = block_format_of(*dtype))
        out.weights.tensors.push_back({name, *format, std::move(ggml), data});
    }
    if (out.weights.tensors.empty()) return Status();
    const fb::LlmConfig* c = m.config();
    if (!c) return fail("the file has tensors but no LLM config");
    LlmConfig& cfg = out.weights.config;
    cfg.architecture = c->architecture()->str();
    cfg.n_embd = c->n_embd();
    cfg.n_ff = c->n_ff();
    cfg.n_layer = c->n_layer();
    cfg.n_head = c->n_head();
    cfg.n_head_kv = c->n_head_kv();
    cfg.head_dim = c->head_dim();
    cfg.n_vocab = c->n_vocab();
    cfg.n_ctx_train = c->n_ctx_train();
    cfg.rope_freq_base = c->rope_freq_base();
    cfg.rms_norm_eps = c->rms_norm_eps();
    cfg.tied_output = c->tied_output();
    cfg.qkv_bias = c->qkv_bias();
    cfg.qk_norm = c->qk_norm();
    return validate_llm_weights(out.weights, source_);
  }

  Result<Vocab> read_vocab(const fb::Vocab& fv) {
    Vocab v;
    switch (fv.model()) {
      case fb::TokenizerModel::SENTENCEPIECE:
        v.model = TokenizerModel::kSentencePiece;
        break;
      case fb::TokenizerModel::BYTE_LEVEL_BPE:
        v.model = TokenizerModel::kBytePairBpe;
        break;
      default:
        return fail("unknown tokenizer model ", static_cast<int>(fv.model()));
    }
    v.pieces.reserve(fv.pieces()->size());
    for (const flatbuffers::String* p : *fv.pieces()) v.pieces.push_back(p->str());
    if (fv.scores()) v.scores.assign(fv.scores()->begin(), fv.scores()->end());
    if (fv.token_types()) {
      for (uint8_t t : *fv.token_types()) {
        if (t > static_cast<uint8_t>(TokenType::kByte))
          return fail("token type ", static_cast<int>(t), " (0 to 6 expected)");
        v.types.push_back(static_cast<TokenType>(t));
      }
    }
    v.bos = fv.bos();
    v.eos = fv.eos();
    v.unk = fv.unk();
    v.add_bos = fv.add_bos();
    v.add_space_prefix = fv.add_space_prefix();
    if (fv.merges())
      for (const flatbuffers::String* s : *fv.merges()) v.merges.push_back(s->str());
    v.pre = str(fv.pre_tokenizer());
    ODIN_RETURN_IF_ERROR(v.finish(source_));
    return v;
  }

  // Indices into `count` values; -1 allowed where `optional`.
  static bool in_range(int32_t id, size_t count, bool optional) {
    return (optional && id == kNoValue) || (id >= 0 && static_cast<size_t>(id) < count);
  }

  Result<StoredLlmGraph> read_graph(const fb::Graph& fg) {
    StoredLlmGraph out;
    Graph& g = out.graph;
    std::unordered_set<std::string> symbols;
    if (fg.dim_symbols()) {
      for (const fb::DimSymbol* s : *fg.dim_symbols()) {
        const std::string name = s->name()->str();
        if (name.empty() || !symbols.insert(name).second)
          return fail("graph: dim symbol '", name, "' is empty or declared twice");
        if (s->max() < 1 || s->max() > kMaxSymbolSize)
          return fail("graph: dim symbol '", name, "' has maximum ", s->max(), " (1 to ",
                      kMaxSymbolSize, " expected)");
        g.dim_symbols().push_back({name, s->max()});
      }
    }
    const size_t num_values = fg.values()->size();
    for (size_t i = 0; i < num_values; ++i) {
      ODIN_ASSIGN_OR_RETURN(
          Value v,
          read_value(*fg.values()->Get(static_cast<flatbuffers::uoffset_t>(i)), i, symbols));
      g.add_value(std::move(v));
    }
    const auto& ops = ops_by_name();
    for (size_t i = 0; i < fg.nodes()->size(); ++i) {
      const fb::Node* fn = fg.nodes()->Get(static_cast<flatbuffers::uoffset_t>(i));
      Node n;
      n.name = str(fn->name());
      n.source_index = static_cast<int32_t>(i);
      const std::string what = str_cat("graph node ", i, " '", n.name, "'");
      const auto op = ops.find(fn->op()->string_view());
      if (op == ops.end()) return fail(what, ": unknown op '", fn->op()->str(), "'");
      n.op = op->second;
      if (fn->inputs()) {
        for (int32_t v : *fn->inputs()) {
          if (!in_range(v, num_values, true)) return fail(what, ": input ", v, " out of range");
          n.inputs.push_back(v);
        }
      }
      if (fn->outputs()) {
        for (int32_t v : *fn->outputs()) {
          if (!in_range(v, num_values, false)) return fail(what, ": output ", v, " out of range");
          n.outputs.push_back(v);
        }
      }
      ODIN_ASSIGN_OR_RETURN(n.attrs, read_attrs(*fn, what));
      g.add_node(std::move(n));
    }
    auto ends = [&](const flatbuffers::Vector<int32_t>* list, std::vector<ValueId>& into,
                    const char* name) {
      for (size_t k = 0; list && k < list->size(); ++k) {
        const int32_t v = list->Get(static_cast<flatbuffers::uoffset_t>(k));
        if (!in_range(v, num_values, false)) return fail("graph ", name, " ", v, " out of range");
        into.push_back(v);
      }
      return Status();
    };
    ODIN_RETURN_IF_ERROR(ends(fg.inputs(), g.inputs(), "input"));
    ODIN_RETURN_IF_ERROR(ends(fg.outputs(), g.outputs(), "output"));
    out.n_ctx = fg.n_ctx();
    out.max_batch = fg.max_batch();
    const auto kv = from_fb(fg.kv_dtype());
    if (out.n_ctx < 1 || out.n_ctx > kMaxSymbolSize || out.max_batch < 1 ||
        out.max_batch > out.n_ctx || !kv || (*kv != DType::kF16 && *kv != DType::kF32))
      return fail("graph: context ", out.n_ctx, ", batch ", out.max_batch, " and KV dtype ",
                  static_cast<int>(fg.kv_dtype()),
                  " are not a valid build (1 <= batch <= ", "context <= ", kMaxSymbolSize,
                  ", float16 or float32)");
    out.kv_dtype = *kv;
    g.retain_storage(storage_);
    if (Status s = g.validate(); !s.ok()) return fail("graph: ", s.message());
    return out;
  }

  Result<Value> read_value(const fb::Value& fv, size_t i,
                           const std::unordered_set<std::string>& symbols) {
    Value v;
    v.name = str(fv.name());
    v.source_index = static_cast<int32_t>(i);
    const std::string what = str_cat("graph value ", i, " '", v.name, "'");
    const auto dtype = from_fb(fv.dtype());
    if (!dtype) return fail(what, ": unknown dtype ", static_cast<int>(fv.dtype()));
    v.dtype = *dtype;
    if (!elements_aligned(fv.shape())) return fail(what, ": misaligned shape");
    if (fv.shape()) {
      if (fv.shape()->size() > kMaxRank)
        return fail(what, ": rank ", fv.shape()->size(), " (at most ", kMaxRank, ")");
      for (int64_t d : *fv.shape()) {
        if (d < kDynamicDim) return fail(what, ": dimension ", d);
        v.shape.dims().push_back(d);
      }
    }
    if (fv.symbols() && fv.symbols()->size() > 0) {
      if (fv.symbols()->size() != v.shape.rank())
        return fail(what, ": ", fv.symbols()->size(), " dim symbols for rank ", v.shape.rank());
      for (size_t d = 0; d < v.shape.rank(); ++d) {
        std::string s = fv.symbols()->Get(static_cast<flatbuffers::uoffset_t>(d))->str();
        if (!s.empty() && !symbols.count(s))
          return fail(what, ": dim symbol '", s, "' is not declared");
        v.shape.set_symbol(d, std::move(s));
      }
    }
    if (v.shape.is_static() && v.shape.num_elements() < 0)
      return fail(what, ": shape ", v.shape.str(), " has too many elements");
    v.persistent = fv.persistent();
    if (fv.tensor() != -1) {
      if (fv.tensor() < 0 || static_cast<size_t>(fv.tensor()) >= tensors_.size())
        return fail(what, ": tensor ", fv.tensor(), " out of range (", tensors_.size(),
                    " tensors)");
      const StoredTensor& t = tensors_[static_cast<size_t>(fv.tensor())];
      if (v.persistent) return fail(what, ": a constant cannot be persistent state");
      if (v.dtype != t.dtype)
        return fail(what, ": ", dtype_name(v.dtype), " but tensor ", fv.tensor(), " is ",
                    dtype_name(t.dtype));
      const int64_t need = tensor_bytes(v.dtype, v.shape);
      if (need < 0 || static_cast<uint64_t>(need) != t.data.size())
        return fail(what, ": ", dtype_name(v.dtype), " ", v.shape.str(), " needs ", need,
                    " bytes, its tensor ", fv.tensor(), " holds ", t.data.size());
      v.data = t.data.data();
      v.data_bytes = t.data.size();
      // An empty tensor's span may have no address: still a constant.
      if (!v.data) v.data = bytes_.data();
    }
    if (const fb::Quantization* q = fv.quant()) {
      if (!elements_aligned(q->zero_points())) return fail(what, ": misaligned zero points");
      QuantParams p;
      p.scales.assign(q->scales()->begin(), q->scales()->end());
      if (q->zero_points())
        p.zero_points.assign(q->zero_points()->begin(), q->zero_points()->end());
      p.axis = q->axis();
      const size_t n = p.scales.size();
      if (n == 0 || (!p.zero_points.empty() && p.zero_points.size() != n))
        return fail(what, ": ", n, " quantization scales and ", p.zero_points.size(),
                    " zero points");
      const size_t axis = static_cast<size_t>(p.axis);
      if (p.axis < 0 || axis >= std::max<size_t>(v.shape.rank(), 1) ||
          (n > 1 && (axis >= v.shape.rank() || v.shape[axis] != static_cast<int64_t>(n))))
        return fail(what, ": ", n, " quantization scales along axis ", p.axis, " of ",
                    v.shape.str());
      v.quant = std::move(p);
    }
    return v;
  }

  Result<OpAttrs> read_attrs(const fb::Node& n, const std::string& what) {
    auto activation = [&](fb::Activation a) -> Result<Activation> {
      const auto act = from_fb(a);
      if (!act) return fail(what, ": unknown activation ", static_cast<int>(a));
      return *act;
    };
    // The verifier accepts a union whose type is set but whose table is
    // absent: that is an error here.
    if (n.attrs_type() != fb::Attrs::NONE && !n.attrs())
      return fail(what, ": attribute kind ", static_cast<int>(n.attrs_type()), " without values");
    switch (n.attrs_type()) {
      case fb::Attrs::NONE:
        return OpAttrs{};
      case fb::Attrs::BinaryAttrs: {
        const fb::BinaryAttrs* a = n.attrs_as_BinaryAttrs();
        BinaryAttrs out;
        ODIN_ASSIGN_OR_RETURN(out.activation, activation(a->activation()));
        if (a->pad_input() != -1) {
          if (a->pad_input() < 0 || a->pad_input() > 1 || !a->pad_before() || !a->pad_after() ||
              a->pad_before()->size() != 4 || a->pad_after()->size() != 4)
            return fail(what, ": operand padding of input ", a->pad_input(),
                        " needs 4 amounts before and after");
          if (!elements_aligned(a->pad_before()) || !elements_aligned(a->pad_after()))
            return fail(what, ": misaligned operand padding");
          out.operand_pad.input = a->pad_input();
          for (flatbuffers::uoffset_t d = 0; d < 4; ++d) {
            out.operand_pad.before[d] = a->pad_before()->Get(d);
            out.operand_pad.after[d] = a->pad_after()->Get(d);
          }
        }
        return OpAttrs{out};
      }
      case fb::Attrs::FullyConnectedAttrs: {
        const fb::FullyConnectedAttrs* a = n.attrs_as_FullyConnectedAttrs();
        FullyConnectedAttrs out;
        ODIN_ASSIGN_OR_RETURN(out.activation, activation(a->activation()));
        out.keep_num_dims = a->keep_num_dims();
        return OpAttrs{out};
      }
      case fb::Attrs::GatherAttrs: {
        const fb::GatherAttrs* a = n.attrs_as_GatherAttrs();
        return OpAttrs{GatherAttrs{a->axis(), a->batch_dims()}};
      }
      case fb::Attrs::RmsNormAttrs:
        return OpAttrs{RmsNormAttrs{n.attrs_as_RmsNormAttrs()->epsilon()}};
      case fb::Attrs::RopeAttrs: {
        const fb::RopeAttrs* a = n.attrs_as_RopeAttrs();
        return OpAttrs{RopeAttrs{a->head_dim(), a->n_rot(), a->theta_base(), a->neox()}};
      }
      case fb::Attrs::AttentionAttrs: {
        const fb::AttentionAttrs* a = n.attrs_as_AttentionAttrs();
        return OpAttrs{AttentionAttrs{a->n_head(), a->n_kv_head(), a->head_dim(), a->scale(),
                                      a->v_head_dim()}};
      }
      case fb::Attrs::ReshapeAttrs: {
        const auto* dims = n.attrs_as_ReshapeAttrs()->new_shape();
        ReshapeAttrs out;
        if (!dims) return OpAttrs{out};
        if (dims->size() > kMaxRank)
          return fail(what, ": reshape to rank ", dims->size(), " (at most ", kMaxRank, ")");
        out.new_shape.assign(dims->begin(), dims->end());
        out.has_new_shape = true;
        return OpAttrs{out};
      }
    }
    return fail(what, ": unknown attribute kind ", static_cast<int>(n.attrs_type()));
  }

  struct StoredTensor {
    DType dtype;
    std::span<const uint8_t> data;
  };

  std::span<const uint8_t> bytes_;
  std::shared_ptr<const void> storage_;
  std::string source_;
  uint64_t meta_end_ = 0;
  std::vector<StoredTensor> tensors_;
};

}  // namespace

bool is_odin(std::span<const uint8_t> bytes) {
  return bytes.size() >= 12 && fb::SizePrefixedModelBufferHasIdentifier(bytes.data());
}

Result<OdinContents> read_odin(std::span<const uint8_t> bytes, std::shared_ptr<const void> storage,
                               const std::string& source, bool require_weights) {
  return Reader(bytes, std::move(storage), source).read(require_weights);
}

}  // namespace odin
