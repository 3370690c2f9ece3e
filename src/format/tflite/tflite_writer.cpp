#include "format/tflite/tflite_writer.h"

#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <tuple>

#include "format/tflite/tflite_ops.h"
#include "format/tflite/tflite_schema_generated.h"
#include "ops/op_def.h"
#include "quant/int4.h"

namespace odin {
namespace {

namespace fb = tflite_fb;

// The TFLite schema version every current runtime reads.
constexpr uint32_t kSchemaVersion = 3;
// Buffer data is 16-byte aligned (schema.fbs: `force_align: 16`).
constexpr size_t kBufferAlign = 16;

Result<fb::TensorType> tensor_type(DType d) {
  switch (d) {
    case DType::kF32:
      return fb::TensorType::FLOAT32;
    case DType::kF16:
      return fb::TensorType::FLOAT16;
    case DType::kI32:
      return fb::TensorType::INT32;
    case DType::kI64:
      return fb::TensorType::INT64;
    case DType::kI16:
      return fb::TensorType::INT16;
    case DType::kI8:
      return fb::TensorType::INT8;
    case DType::kU8:
      return fb::TensorType::UINT8;
    case DType::kBool:
      return fb::TensorType::BOOL;
    default:
      return make_error(StatusCode::kUnsupported, "dtype ", dtype_name(d), " has no TFLite form");
  }
}

// Operands whose ops take the quantized version: int8/uint8, and fp16 (a
// DEQUANTIZE of fp16 weights is version 2 in MediaPipe's own files).
bool takes_quantized_version(DType d) {
  return d == DType::kI8 || d == DType::kU8 || d == DType::kF16;
}

class Writer {
 public:
  explicit Writer(const Graph& graph) : g_(graph) {}

  Result<std::vector<uint8_t>> run(const std::string& description) {
    number_used_values();
    buffers_.push_back(fb::CreateBuffer(fbb_));  // buffer 0: the empty one
    std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
    for (ValueId v : order_) {
      auto t = write_tensor(v);
      if (!t.ok()) return t.status();
      tensors.push_back(*t);
    }
    std::vector<flatbuffers::Offset<fb::Operator>> ops;
    for (size_t n = 0; n < g_.num_nodes(); ++n) {
      auto op = write_operator(g_.node(static_cast<NodeId>(n)));
      if (!op.ok())
        return op.status().with_context(str_cat("node ", n, " '", g_.node(n).name, "'"));
      ops.push_back(*op);
    }
    std::vector<int32_t> inputs, outputs;
    for (ValueId v : g_.inputs()) inputs.push_back(index_.at(v));
    for (ValueId v : g_.outputs()) outputs.push_back(index_.at(v));
    // Nested objects are serialized in statements of their own, last field
    // first: as function arguments their order would be the compiler's
    // (GCC and clang differ), and the file's bytes with it.
    const auto name = fbb_.CreateString("main");
    const auto op_list = fbb_.CreateVector(ops);
    const auto output_list = fbb_.CreateVector(outputs);
    const auto input_list = fbb_.CreateVector(inputs);
    const auto tensor_list = fbb_.CreateVector(tensors);
    auto subgraph = fb::CreateSubGraph(fbb_, tensor_list, input_list, output_list, op_list, name);
    std::vector<flatbuffers::Offset<fb::OperatorCode>> codes;
    for (const auto& [key, index] : code_index_) codes.resize(std::max(codes.size(), index + 1));
    for (const auto& [key, index] : code_index_) {
      const auto& [code, custom, version] = key;
      codes[index] =
          fb::CreateOperatorCode(fbb_, static_cast<int8_t>(std::min(code, 127)),
                                 custom.empty() ? 0 : fbb_.CreateString(custom), version, code);
    }
    const auto buffer_list = fbb_.CreateVector(buffers_);
    const auto description_string = fbb_.CreateString(description);
    const auto subgraph_list = fbb_.CreateVector(&subgraph, 1);
    const auto code_list = fbb_.CreateVector(codes);
    auto model = fb::CreateModel(fbb_, kSchemaVersion, code_list, subgraph_list, description_string,
                                 buffer_list);
    fbb_.Finish(model, fb::ModelIdentifier());
    return std::vector<uint8_t>(fbb_.GetBufferPointer(), fbb_.GetBufferPointer() + fbb_.GetSize());
  }

 private:
  // Tensors in value order, only those a node or a graph edge uses.
  void number_used_values() {
    std::vector<bool> used(g_.num_values(), false);
    for (const Node& n : g_.nodes())
      for (const auto* list : {&n.inputs, &n.outputs})
        for (ValueId v : *list)
          if (v != kNoValue) used[static_cast<size_t>(v)] = true;
    for (const auto* list : {&g_.inputs(), &g_.outputs()})
      for (ValueId v : *list) used[static_cast<size_t>(v)] = true;
    for (size_t v = 0; v < used.size(); ++v)
      if (used[v]) {
        index_[static_cast<ValueId>(v)] = static_cast<int32_t>(order_.size());
        order_.push_back(static_cast<ValueId>(v));
      }
  }

  Result<flatbuffers::Offset<fb::Tensor>> write_tensor(ValueId id) {
    const Value& v = g_.value(id);
    const std::string where = str_cat("value ", g_.describe_value(id));
    auto type = tensor_type(v.dtype);
    if (!type.ok()) return type.status().with_context(where);
    if (!v.shape.is_static() || v.shape.has_symbols())
      return make_error(StatusCode::kUnsupported, where, ": shape ", v.shape.str(),
                        " is not static");
    if (v.sparsity)
      return make_error(StatusCode::kUnsupported, where, ": sparse constants are not written");
    if (v.released)
      return make_error(StatusCode::kInternal, where, ": constant bytes were released");
    const bool int4 = v.quant && v.quant->bits == 4;
    if (int4) {
      if (v.dtype != DType::kI8 || !v.is_constant())
        return make_error(StatusCode::kUnsupported, where,
                          ": 4-bit values are written only as int8 constants (TFLite's INT4)");
      type = fb::TensorType::INT4;
    } else if (v.quant && v.quant->bits != 8) {
      return make_error(StatusCode::kUnsupported, where, ": ", v.quant->bits,
                        "-bit values have no TFLite form");
    }
    uint32_t buffer = 0;
    if (v.is_constant()) {
      std::optional<std::vector<uint8_t>> packed;
      if (int4) {
        packed = pack_int4({reinterpret_cast<const int8_t*>(v.data), v.data_bytes});
        if (!packed)
          return make_error(StatusCode::kInvalidArgument, where,
                            ": a 4-bit constant holds a value outside [-8, 7]");
      }
      const uint8_t* bytes = packed ? packed->data() : v.data;
      const size_t size = packed ? packed->size() : v.data_bytes;
      fbb_.ForceVectorAlignment(size, 1, kBufferAlign);
      auto data = fbb_.CreateVector(bytes, size);
      buffer = static_cast<uint32_t>(buffers_.size());
      buffers_.push_back(fb::CreateBuffer(fbb_, data));
    }
    std::vector<int32_t> shape;
    for (int64_t d : v.shape.dims()) {
      // TFLite's dims are int32: a larger one (an inferred shape) has no form.
      if (d > std::numeric_limits<int32_t>::max())
        return make_error(StatusCode::kUnsupported, where, ": dimension ", d,
                          " does not fit TFLite's int32");
      shape.push_back(static_cast<int32_t>(d));
    }
    // Nor one the importer refuses (an inferred shape past odin's tensor size).
    if (v.shape.num_elements() < 0)
      return make_error(StatusCode::kUnsupported, where, ": shape ", v.shape.str(),
                        " has too many elements for a tensor");
    flatbuffers::Offset<fb::QuantizationParameters> quant = 0;
    if (v.quant) {
      const auto zero_points = fbb_.CreateVector(v.quant->zero_points);  // last field first
      const auto scales = fbb_.CreateVector(v.quant->scales);
      quant = fb::CreateQuantizationParameters(fbb_, 0, 0, scales, zero_points,
                                               fb::QuantizationDetails::NONE, 0, v.quant->axis);
    }
    const auto name = fbb_.CreateString(v.name);  // last field first
    const auto dims = fbb_.CreateVector(shape);
    return fb::CreateTensor(fbb_, dims, *type, buffer, name, quant);
  }

  Result<flatbuffers::Offset<fb::Operator>> write_operator(const Node& node) {
    std::string custom;
    const tflite::OpMapping* m = tflite::mapping_of(node.op, &custom);
    if (!m || !m->write)
      return make_error(StatusCode::kUnsupported, "op ", op_type_name(node.op),
                        " has no TFLite form odin writes");
    if (addend_of(node) != kNoValue)
      return make_error(StatusCode::kUnsupported, "op ", op_type_name(node.op),
                        " with a fused residual ADD has no TFLite form");
    if (prelu_alpha_of(node) != kNoValue)
      return make_error(StatusCode::kUnsupported, "op ", op_type_name(node.op),
                        " with a fused PRELU has no TFLite form");
    ODIN_ASSIGN_OR_RETURN(tflite::WrittenOptions options, m->write(fbb_, node));
    bool quantized = false, int4 = false;
    for (const auto* list : {&node.inputs, &node.outputs})
      for (ValueId v : *list) {
        if (v == kNoValue) continue;
        if (takes_quantized_version(g_.value(v).dtype)) quantized = true;
        if (g_.value(v).quant && g_.value(v).quant->bits == 4) int4 = true;
      }
    if (int4 && m->int4_version == 0)
      return make_error(StatusCode::kUnsupported, "TFLite's ", op_type_name(node.op),
                        " takes no 4-bit operand");
    const int32_t version = int4 ? m->int4_version : quantized ? m->int8_version : 1;
    const auto key = std::make_tuple(m->code, custom, version);
    auto [it, fresh] = code_index_.try_emplace(key, code_index_.size());
    std::vector<int32_t> inputs, outputs;
    for (ValueId v : node.inputs) inputs.push_back(v == kNoValue ? -1 : index_.at(v));
    for (ValueId v : node.outputs) outputs.push_back(index_.at(v));
    auto in = fbb_.CreateVector(inputs);
    auto out = fbb_.CreateVector(outputs);
    auto custom_options = options.custom.empty() ? 0 : fbb_.CreateVector(options.custom);
    return fb::CreateOperator(fbb_, static_cast<uint32_t>(it->second), in, out, options.type,
                              options.table, custom_options);
  }

  const Graph& g_;
  flatbuffers::FlatBufferBuilder fbb_{1 << 20};
  std::vector<ValueId> order_;
  std::map<ValueId, int32_t> index_;
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers_;
  std::map<std::tuple<int32_t, std::string, int32_t>, size_t> code_index_;
};

}  // namespace

Result<std::vector<uint8_t>> write_tflite(const Graph& graph, const std::string& description) {
  return Writer(graph).run(description);
}

Status write_tflite_file(const Graph& graph, const std::string& description,
                         const std::string& path) {
  ODIN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, write_tflite(graph, description));
  std::ofstream f(path, std::ios::binary);
  if (!f) return make_error(StatusCode::kIo, "cannot write ", path);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) return make_error(StatusCode::kIo, "writing ", path, " failed");
  return Status();
}

}  // namespace odin
