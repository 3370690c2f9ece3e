// TFLite operator codes and builtin options mapped onto odin's OpType/attrs.
#pragma once

#include <string>
#include <vector>

#include "core/graph.h"
#include "format/tflite/tflite_schema_generated.h"

namespace odin::tflite {

// The effective builtin code (the larger of the deprecated byte field and the
// int32 field, as the schema's compatibility rule says).
int32_t builtin_code(const tflite_fb::OperatorCode& code);

// Name of a builtin code as TFLite spells it ("CONV_2D"), or "BUILTIN_<n>".
std::string builtin_name(int32_t code);

// An operator's options as written back into a FlatBuffer.
struct WrittenOptions {
  tflite_fb::BuiltinOptions type = tflite_fb::BuiltinOptions::NONE;
  flatbuffers::Offset<void> table;
  std::vector<uint8_t> custom = {};  // custom ops: their raw options bytes
};

// How one operator code becomes an odin node and back: its op, how to read
// its options into node.attrs (errors say what is wrong), and how to write
// node.attrs as options (null: odin does not write this op).
struct OpMapping {
  int32_t code;  // builtin code; kCustomCode for custom ops
  OpType type;
  Status (*parse)(const tflite_fb::Operator& op, Node* node);
  Result<WrittenOptions> (*write)(flatbuffers::FlatBufferBuilder& fbb, const Node& node) = nullptr;
  // The operator version TFLite's converter writes for int8 operands (the
  // kernels' version checks need it), also used for fp16 ones; float
  // operands are version 1.
  int32_t int8_version = 1;
  // The version for int8 activations with INT4 weights; 0: no such form
  // (tensorflow/lite/tools/versioning/op_version.cc).
  int32_t int4_version = 0;
};

// The mapping of an operator code, or null when odin has no such op.
// `name` is set either way (builtin name, or the custom op's code).
const OpMapping* map_op(const tflite_fb::OperatorCode& code, std::string* name);
// The mapping that writes `type`, or null; `custom_name` is set for custom ops.
const OpMapping* mapping_of(OpType type, std::string* custom_name);

}  // namespace odin::tflite
