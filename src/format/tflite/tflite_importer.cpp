#include "format/tflite/tflite_importer.h"

#include <cstring>
#include <map>

#include "core/mapped_file.h"
#include "format/flatbuffer_alignment.h"
#include "format/tflite/tflite_ops.h"
#include "format/tflite/tflite_schema_generated.h"
#include "ops/op_def.h"
#include "quant/int4.h"

namespace odin {
namespace {

namespace fb = tflite_fb;

// FlatBuffers cannot address more than 2 GiB; larger models keep buffers
// outside the FlatBuffer (Buffer.offset/size), which odin does not read yet.
constexpr size_t kMaxFlatBufferBytes = (size_t{1} << 31) - 1;

bool map_dtype(fb::TensorType t, DType* out) {
  switch (t) {
    case fb::TensorType::FLOAT32:
      *out = DType::kF32;
      return true;
    case fb::TensorType::FLOAT16:
      *out = DType::kF16;
      return true;
    case fb::TensorType::INT32:
      *out = DType::kI32;
      return true;
    case fb::TensorType::INT64:
      *out = DType::kI64;
      return true;
    case fb::TensorType::INT16:
      *out = DType::kI16;
      return true;
    case fb::TensorType::INT8:
      *out = DType::kI8;
      return true;
    case fb::TensorType::UINT8:
      *out = DType::kU8;
      return true;
    case fb::TensorType::BOOL:
      *out = DType::kBool;
      return true;
    default:
      return false;
  }
}

const char* tensor_type_name(fb::TensorType t) {
  const char* name = fb::EnumNameTensorType(t);
  return (name && *name) ? name : "unknown";
}

// Reads one sparse index vector (int32, uint16 or uint8 storage).
Status read_index_vector(fb::SparseIndexVector type, const void* table, std::vector<int32_t>* out) {
  out->clear();
  // A union's type can be set with its table absent (fuzz finding).
  if (!table && type != fb::SparseIndexVector::NONE)
    return make_error(StatusCode::kInvalidModel, "sparse index vector of type ",
                      fb::EnumNameSparseIndexVector(type), " has no table");
  switch (type) {
    case fb::SparseIndexVector::Int32Vector: {
      const auto* v = static_cast<const fb::Int32Vector*>(table)->values();
      if (v) out->assign(v->begin(), v->end());
      return Status();
    }
    case fb::SparseIndexVector::Uint16Vector: {
      const auto* v = static_cast<const fb::Uint16Vector*>(table)->values();
      if (v) out->assign(v->begin(), v->end());
      return Status();
    }
    case fb::SparseIndexVector::Uint8Vector: {
      const auto* v = static_cast<const fb::Uint8Vector*>(table)->values();
      if (v) out->assign(v->begin(), v->end());
      return Status();
    }
    case fb::SparseIndexVector::NONE:
      break;
  }
  return make_error(StatusCode::kInvalidModel, "sparse dimension has no index vector");
}

Result<std::shared_ptr<const SparsityParams>> read_sparsity(const fb::SparsityParameters& sp,
                                                            size_t rank) {
  auto out = std::make_shared<SparsityParams>();
  if (sp.traversal_order())
    out->traversal_order.assign(sp.traversal_order()->begin(), sp.traversal_order()->end());
  if (sp.block_map()) out->block_map.assign(sp.block_map()->begin(), sp.block_map()->end());
  const size_t n = out->traversal_order.size();
  if (n < rank || n != rank + out->block_map.size())
    return make_error(StatusCode::kInvalidModel, "sparsity traversal_order has ", n,
                      " entries for a rank-", rank, " tensor with ", out->block_map.size(),
                      " block dims");
  if (!sp.dim_metadata() || sp.dim_metadata()->size() != n)
    return make_error(StatusCode::kInvalidModel, "sparsity dim_metadata must have ", n, " entries");
  for (int32_t t : out->traversal_order)
    if (t < 0 || static_cast<size_t>(t) >= n)
      return make_error(StatusCode::kInvalidModel, "sparsity traversal_order entry ", t,
                        " out of range");
  for (int32_t b : out->block_map)
    if (b < 0 || static_cast<size_t>(b) >= rank)
      return make_error(StatusCode::kInvalidModel, "sparsity block_map entry ", b, " out of range");
  for (const fb::DimensionMetadata* dm : *sp.dim_metadata()) {
    if (!dm) return make_error(StatusCode::kInvalidModel, "sparsity dim_metadata entry is null");
    SparsityParams::Dim d;
    d.sparse = dm->format() == fb::DimensionType::SPARSE_CSR;
    d.dense_size = dm->dense_size();
    if (d.sparse) {
      ODIN_RETURN_IF_ERROR(
          read_index_vector(dm->array_segments_type(), dm->array_segments(), &d.segments));
      ODIN_RETURN_IF_ERROR(
          read_index_vector(dm->array_indices_type(), dm->array_indices(), &d.indices));
    } else if (d.dense_size < 0) {
      return make_error(StatusCode::kInvalidModel, "sparsity dense_size ", d.dense_size,
                        " is negative");
    }
    out->dims.push_back(std::move(d));
  }
  return std::shared_ptr<const SparsityParams>(std::move(out));
}

class Importer {
 public:
  Importer(std::span<const uint8_t> bytes, const std::string& source)
      : bytes_(bytes), source_(source) {}

  Result<Graph> run() {
    ODIN_RETURN_IF_ERROR(verify());
    model_ = fb::GetModel(bytes_.data());
    if (!model_->subgraphs() || model_->subgraphs()->size() == 0)
      return fail("model has no subgraphs");
    if (model_->subgraphs()->size() > 1)
      note_ = str_cat("model has ", model_->subgraphs()->size(), " subgraphs; running the first");
    sub_ = model_->subgraphs()->Get(0);
    if (!sub_) return fail("subgraph 0 is null");
    ODIN_RETURN_IF_ERROR(import_tensors());
    ODIN_RETURN_IF_ERROR(import_operators());
    ODIN_RETURN_IF_ERROR(import_io());
    ODIN_RETURN_IF_ERROR(graph_.validate());
    ODIN_RETURN_IF_ERROR(infer_graph(graph_));
    return std::move(graph_);
  }

 private:
  template <typename... Args>
  Status fail(const Args&... args) const {
    return make_error(StatusCode::kInvalidModel, args...);
  }

  Status verify() {
    if (bytes_.size() < 8)
      return fail("file is ", bytes_.size(), " bytes, too small to be a TFLite model");
    if (bytes_.size() > kMaxFlatBufferBytes)
      return make_error(StatusCode::kUnsupported, "file is larger than 2 GiB");
    if (std::memcmp(bytes_.data() + 4, "TFL3", 4) != 0)
      return fail("not a TFLite model (no \"TFL3\" file identifier at byte 4)");
    flatbuffers::Verifier::Options opts;
    opts.max_depth = 64;
    opts.max_tables = 10'000'000;
    flatbuffers::Verifier verifier(bytes_.data(), bytes_.size(), opts);
    if (!fb::VerifyModelBuffer(verifier))
      return fail("FlatBuffer verification failed: the file is truncated or corrupt");
    return Status();
  }

  // Constant bytes of buffer `index`, or an empty span when it has none.
  Result<std::span<const uint8_t>> buffer_bytes(uint32_t index, size_t tensor) {
    if (index == 0) return std::span<const uint8_t>();
    const auto* buffers = model_->buffers();
    if (!buffers || index >= buffers->size())
      return fail("tensor ", tensor, " refers to buffer ", index, " but the model has ",
                  buffers ? buffers->size() : 0, " buffers");
    const fb::Buffer* b = buffers->Get(index);
    if (!b) return std::span<const uint8_t>();
    if (b->offset() > 1) {  // data stored after the FlatBuffer (large models)
      const uint64_t off = b->offset(), size = b->size();
      if (off > bytes_.size() || size > bytes_.size() - off)
        return fail("tensor ", tensor, ": buffer ", index, " range [", off, ", ", off + size,
                    ") is outside the ", bytes_.size(), "-byte file");
      return bytes_.subspan(static_cast<size_t>(off), static_cast<size_t>(size));
    }
    if (!b->data() || b->data()->size() == 0) return std::span<const uint8_t>();
    return std::span<const uint8_t>(b->data()->data(), b->data()->size());
  }

  Status import_tensors() {
    const auto* tensors = sub_->tensors();
    if (!tensors) return fail("subgraph has no tensor table");
    for (size_t i = 0; i < tensors->size(); ++i) {
      const fb::Tensor* t = tensors->Get(static_cast<flatbuffers::uoffset_t>(i));
      if (!t) return fail("tensor ", i, " is null");
      Value v;
      v.source_index = static_cast<int32_t>(i);
      v.name = t->name() ? t->name()->str() : str_cat("tensor_", i);
      const std::string where = str_cat("tensor ", i, " '", v.name, "'");
      // INT4 constants are held unpacked, as int8 in [-8, 7] (quant->bits 4).
      const bool int4 = t->type() == fb::TensorType::INT4;
      if (int4) {
        v.dtype = DType::kI8;
      } else if (!map_dtype(t->type(), &v.dtype)) {
        // Not fatal yet: only an error if a node odin runs actually uses it.
        v.dtype = DType::kUnknown;
        unsupported_dtype_[static_cast<int32_t>(i)] = tensor_type_name(t->type());
      }
      if (t->shape()) {
        for (int32_t d : *t->shape()) {
          if (d < 0) return fail(where, ": negative dimension ", d, " in shape");
          v.shape.dims().push_back(d);
        }
      }
      if (t->shape_signature()) {
        const auto* sig = t->shape_signature();
        if (sig->size() == v.shape.rank())
          for (size_t k = 0; k < sig->size(); ++k)
            if (sig->Get(static_cast<flatbuffers::uoffset_t>(k)) == -1) v.shape[k] = kDynamicDim;
      }
      const int64_t elems = v.shape.num_elements();
      if (v.shape.is_static() && elems < 0)
        return fail(where, ": shape ", v.shape.str(), " has too many elements");
      if (const fb::QuantizationParameters* q = t->quantization()) {
        ODIN_RETURN_IF_ERROR(read_quant(*q, v, where));
      }
      if (const fb::SparsityParameters* sp = t->sparsity()) {
        auto s = read_sparsity(*sp, v.shape.rank());
        if (!s.ok()) return s.status().with_context(where);
        v.sparsity = std::move(s).value();
      }
      auto bytes = buffer_bytes(t->buffer(), i);
      if (!bytes.ok()) return bytes.status();
      if (int4 && bytes->empty()) {
        v.dtype = DType::kUnknown;  // only an error if a node odin runs uses it
        unsupported_dtype_[static_cast<int32_t>(i)] = "INT4 (not a constant)";
      } else if (int4) {
        ODIN_RETURN_IF_ERROR(attach_int4_constant(v, *bytes, where));
      } else if (!bytes->empty()) {
        ODIN_RETURN_IF_ERROR(attach_constant(v, *bytes, where));
      }
      graph_.add_value(std::move(v));
    }
    return Status();
  }

  Status read_quant(const fb::QuantizationParameters& q, Value& v, const std::string& where) {
    if (!q.scale() || q.scale()->size() == 0) return Status();  // e.g. only min/max
    QuantParams p;
    p.scales.assign(q.scale()->begin(), q.scale()->end());
    if (!elements_aligned(q.zero_point()))
      return fail(where, ": misaligned quantization zero points");
    if (q.zero_point()) p.zero_points.assign(q.zero_point()->begin(), q.zero_point()->end());
    p.axis = q.quantized_dimension();
    if (!p.zero_points.empty() && p.zero_points.size() != p.scales.size())
      return fail(where, ": ", p.scales.size(), " quantization scales but ", p.zero_points.size(),
                  " zero points");
    if (p.scales.size() > 1) {
      if (p.axis < 0 || static_cast<size_t>(p.axis) >= v.shape.rank() ||
          v.shape[static_cast<size_t>(p.axis)] != static_cast<int64_t>(p.scales.size()))
        return fail(where, ": ", p.scales.size(), " per-channel scales do not match axis ", p.axis,
                    " of shape ", v.shape.str());
    }
    v.quant = std::move(p);
    return Status();
  }

  Status attach_constant(Value& v, std::span<const uint8_t> bytes, const std::string& where) {
    if (v.dtype == DType::kUnknown)
      return make_error(StatusCode::kUnsupported, where, ": constant of unsupported type ",
                        unsupported_dtype_[v.source_index]);
    if (!v.shape.is_static()) return fail(where, ": a constant cannot have a dynamic shape");
    const size_t elem = dtype_size(v.dtype);
    const size_t need = static_cast<size_t>(v.shape.num_elements()) * elem;
    // A sparse constant stores only its non-zero values; DENSIFY checks them.
    if (!v.sparsity && bytes.size() != need)
      return fail(where, ": buffer holds ", bytes.size(), " bytes but shape ", v.shape.str(),
                  " of ", dtype_name(v.dtype), " needs ", need);
    if (v.sparsity && bytes.size() % elem != 0)
      return fail(where, ": sparse buffer size ", bytes.size(), " is not a multiple of ", elem);
    // Kernels read constants as typed arrays: realign the rare misaligned one.
    if (reinterpret_cast<uintptr_t>(bytes.data()) % elem != 0) {
      v.data = graph_.own_bytes(std::vector<uint8_t>(bytes.begin(), bytes.end()));
    } else {
      v.data = bytes.data();
    }
    v.data_bytes = bytes.size();
    return Status();
  }

  Status attach_int4_constant(Value& v, std::span<const uint8_t> bytes, const std::string& where) {
    if (!v.quant) return fail(where, ": an INT4 constant without quantization scales");
    if (v.sparsity) return fail(where, ": sparse INT4 constants are not supported");
    if (!v.shape.is_static()) return fail(where, ": a constant cannot have a dynamic shape");
    const auto n = static_cast<size_t>(v.shape.num_elements());
    if (bytes.size() != int4_packed_bytes(n))
      return fail(where, ": buffer holds ", bytes.size(), " bytes but shape ", v.shape.str(),
                  " of INT4 needs ", int4_packed_bytes(n));
    std::vector<uint8_t> values(n);  // unpacked straight into the graph's bytes
    unpack_int4_into(bytes, {reinterpret_cast<int8_t*>(values.data()), n});
    v.data = graph_.own_bytes(std::move(values));
    v.data_bytes = n;
    v.quant->bits = 4;
    return Status();
  }

  Result<ValueId> tensor_ref(int32_t index, size_t op, const char* role, bool optional) {
    if (index == -1 && optional) return kNoValue;
    if (index < 0 || static_cast<size_t>(index) >= graph_.num_values())
      return fail("operator ", op, ": ", role, " tensor index ", index, " is out of range (",
                  graph_.num_values(), " tensors)");
    if (graph_.value(index).dtype == DType::kUnknown)
      return make_error(StatusCode::kUnsupported, "operator ", op, ": ", role, " ",
                        graph_.describe_value(index), " has unsupported type ",
                        unsupported_dtype_[index]);
    return static_cast<ValueId>(index);
  }

  Status import_operators() {
    const auto* ops = sub_->operators();
    if (!ops) return Status();  // an empty graph is valid (outputs must be inputs)
    const auto* codes = model_->operator_codes();
    // First pass: every op odin lacks, so one error lists them all.
    std::map<std::string, int> missing;
    std::string first_missing;
    for (size_t i = 0; i < ops->size(); ++i) {
      const fb::Operator* op = ops->Get(static_cast<flatbuffers::uoffset_t>(i));
      if (!op) return fail("operator ", i, " is null");
      if (!codes || op->opcode_index() >= codes->size())
        return fail("operator ", i, ": opcode index ", op->opcode_index(), " is out of range (",
                    codes ? codes->size() : 0, " operator codes)");
      const fb::OperatorCode* code = codes->Get(op->opcode_index());
      if (!code) return fail("operator code ", op->opcode_index(), " is null");
      std::string name;
      if (!tflite::map_op(*code, &name)) {
        if (missing.empty()) first_missing = str_cat("unsupported op ", name, " at node ", i);
        ++missing[name];
      }
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& [name, count] : missing)
        list += str_cat(list.empty() ? "" : ", ", name, " x", count);
      return make_error(StatusCode::kUnsupported, first_missing, " (ops odin lacks: ", list, ")");
    }
    for (size_t i = 0; i < ops->size(); ++i) {
      const fb::Operator* op = ops->Get(static_cast<flatbuffers::uoffset_t>(i));
      const fb::OperatorCode* code = codes->Get(op->opcode_index());
      Node node;
      std::string name;
      const tflite::OpMapping* mapping = tflite::map_op(*code, &name);
      node.op = mapping->type;
      node.source_index = static_cast<int32_t>(i);
      if (op->inputs())
        for (int32_t t : *op->inputs()) {
          ODIN_ASSIGN_OR_RETURN(ValueId v, tensor_ref(t, i, "input", true));
          node.inputs.push_back(v);
        }
      if (op->outputs())
        for (int32_t t : *op->outputs()) {
          ODIN_ASSIGN_OR_RETURN(ValueId v, tensor_ref(t, i, "output", false));
          node.outputs.push_back(v);
        }
      if (node.outputs.empty()) return fail("operator ", i, " (", name, ") has no outputs");
      node.name = graph_.value(node.outputs[0]).name;
      Status s = mapping->parse(*op, &node);
      if (!s.ok())
        return Status(s.code(),
                      str_cat("node ", i, " (", name, " '", node.name, "'): ", s.message()));
      graph_.add_node(std::move(node));
    }
    return Status();
  }

  Status import_io() {
    auto read = [&](const flatbuffers::Vector<int32_t>* list, std::vector<ValueId>* out,
                    const char* role) -> Status {
      if (!list) return fail("subgraph has no ", role, " list");
      for (int32_t t : *list) {
        if (t < 0 || static_cast<size_t>(t) >= graph_.num_values())
          return fail("subgraph ", role, " tensor index ", t, " is out of range");
        if (graph_.value(t).dtype == DType::kUnknown)
          return make_error(StatusCode::kUnsupported, "subgraph ", role, " ",
                            graph_.describe_value(t), " has unsupported type ",
                            unsupported_dtype_[t]);
        out->push_back(t);
      }
      return Status();
    };
    ODIN_RETURN_IF_ERROR(read(sub_->inputs(), &graph_.inputs(), "input"));
    ODIN_RETURN_IF_ERROR(read(sub_->outputs(), &graph_.outputs(), "output"));
    for (ValueId v : graph_.inputs())
      if (graph_.value(v).is_constant())
        return fail("graph input ", graph_.describe_value(v), " is a constant");
    for (ValueId v : graph_.outputs())
      if (graph_.value(v).sparsity)
        return fail("graph output ", graph_.describe_value(v),
                    " is a sparse constant; only DENSIFY can read it");
    return Status();
  }

  std::span<const uint8_t> bytes_;
  std::string source_;
  const fb::Model* model_ = nullptr;
  const fb::SubGraph* sub_ = nullptr;
  Graph graph_;
  std::string note_;
  std::map<int32_t, std::string> unsupported_dtype_;
};

}  // namespace

Result<Graph> import_tflite(std::span<const uint8_t> bytes, std::shared_ptr<const void> storage,
                            const std::string& source_name) {
  // The verifier (and typed reads of constants) need the FlatBuffer's own
  // alignment; a caller's buffer may not have it, so align a copy.
  if (reinterpret_cast<uintptr_t>(bytes.data()) % 16 != 0) {
    auto copy = std::make_shared<std::vector<uint8_t>>(bytes.begin(), bytes.end());
    bytes = std::span<const uint8_t>(copy->data(), copy->size());
    storage = std::move(copy);
  }
  Importer importer(bytes, source_name);
  Result<Graph> g = importer.run();
  if (!g.ok()) return g.status().with_context(source_name);
  g->retain_storage(std::move(storage));
  return g;
}

Result<Graph> load_tflite_file(const std::string& path) {
  ODIN_ASSIGN_OR_RETURN(std::shared_ptr<MappedFile> file, MappedFile::open(path));
  const std::span<const uint8_t> bytes = file->bytes();
  Result<Graph> g = import_tflite(bytes, std::move(file), path);
  // A private read-only mapping: pages of constants that sessions no longer
  // read (folded fp16 weights) may be dropped and read back on demand.
  if (g.ok()) g->mark_reloadable(bytes);
  return g;
}

}  // namespace odin
