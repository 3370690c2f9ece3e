// TFLite operator codes and builtin options mapped onto odin's OpType/attrs.
#pragma once

#include <string>

#include "core/graph.h"
#include "format/tflite/tflite_schema_generated.h"

namespace odin::tflite {

// The effective builtin code (the larger of the deprecated byte field and the
// int32 field, as the schema's compatibility rule says).
int32_t builtin_code(const tflite_fb::OperatorCode& code);

// Name of a builtin code as TFLite spells it ("CONV_2D"), or "BUILTIN_<n>".
std::string builtin_name(int32_t code);

// How one operator code becomes an odin node: its op, and how to read its
// options into node.attrs (errors say what is wrong).
struct OpMapping {
  int32_t code;  // builtin code; kCustomCode for custom ops
  OpType type;
  Status (*parse)(const tflite_fb::Operator& op, Node* node);
};

// The mapping of an operator code, or null when odin has no such op.
// `name` is set either way (builtin name, or the custom op's code).
const OpMapping* map_op(const tflite_fb::OperatorCode& code, std::string* name);

}  // namespace odin::tflite
