// The op table: every OpType has a definition, registered under its own
// type, with shape inference and a reference kernel; the traits the passes
// and backends rely on are consistent.
#include <gtest/gtest.h>

#include <set>

#include "ops/op_def.h"

namespace odin {
namespace {

TEST(OpDefs, EveryOpIsDefinedOnceUnderItsOwnType) {
  for (size_t i = 0; i < static_cast<size_t>(OpType::kCount); ++i) {
    const auto t = static_cast<OpType>(i);
    const OpDef& d = op_def(t);
    EXPECT_EQ(d.type, t) << op_type_name(t) << " is registered under another op's slot";
    EXPECT_NE(d.infer, nullptr) << op_type_name(t) << " has no shape inference";
    EXPECT_NE(d.reference, nullptr) << op_type_name(t) << " has no reference kernel";
  }
}

TEST(OpDefs, TraitsAgree) {
  for (size_t i = 0; i < static_cast<size_t>(OpType::kCount); ++i) {
    const OpDef& d = op_def(static_cast<OpType>(i));
    const std::string name(op_type_name(d.type));
    // A standalone activation is a unary elementwise op.
    if (d.as_fused_activation != Activation::kNone) {
      EXPECT_NE(d.unary_fn, nullptr) << name;
      EXPECT_EQ(d.output_reuse, OutputReuse::kElementwise) << name;
    }
    // Multiply-add ops report their work.
    if (d.macs_are_flops) {
      EXPECT_NE(d.work, nullptr) << name;
    }
    // Elementwise ops compute a listed function.
    if (d.unary_fn) {
      Node n;
      n.op = d.type;
      EXPECT_NE(unary_fn_of(n), UnaryFn::kNone) << name;
    }
  }
}

// The shared list (core/elementwise_fns.h) gives every function its own code.
TEST(OpDefs, ElementwiseCodesAreDistinct) {
  std::set<int> unary, binary;
#define ODIN_TEST_UNARY(name, code) EXPECT_TRUE(unary.insert(code).second) << #name;
#define ODIN_TEST_BINARY(name, code) EXPECT_TRUE(binary.insert(code).second) << #name;
  ODIN_UNARY_FNS(ODIN_TEST_UNARY)
  ODIN_BINARY_FNS(ODIN_TEST_BINARY)
#undef ODIN_TEST_UNARY
#undef ODIN_TEST_BINARY
  EXPECT_EQ(*unary.begin(), 0);
  EXPECT_EQ(*unary.rbegin(), static_cast<int>(unary.size()) - 1);
  EXPECT_EQ(*binary.rbegin(), static_cast<int>(binary.size()) - 1);
}

}  // namespace
}  // namespace odin
