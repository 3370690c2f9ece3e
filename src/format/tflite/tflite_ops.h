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

// Maps an operator code to OpType; false if odin has no such op. `name` is
// set either way (builtin name, or the custom op's code).
bool map_op(const tflite_fb::OperatorCode& code, OpType* type, std::string* name);

// Fills node.attrs from the operator's options. Errors say what is wrong.
Status parse_attrs(const tflite_fb::Operator& op, Node* node);

}  // namespace odin::tflite
