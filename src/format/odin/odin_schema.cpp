#include "format/odin/odin_schema.h"

#include <utility>

namespace odin::odin_schema {
namespace {

constexpr std::pair<DType, fb::DataType> kDTypes[] = {
    {DType::kUnknown, fb::DataType::UNKNOWN}, {DType::kF32, fb::DataType::F32},
    {DType::kF16, fb::DataType::F16},         {DType::kBF16, fb::DataType::BF16},
    {DType::kQ8_0, fb::DataType::Q8_0},       {DType::kQ4_0, fb::DataType::Q4_0},
    {DType::kQ4_K, fb::DataType::Q4_K},       {DType::kQ6_K, fb::DataType::Q6_K},
    {DType::kI8, fb::DataType::I8},           {DType::kU8, fb::DataType::U8},
    {DType::kI16, fb::DataType::I16},         {DType::kI32, fb::DataType::I32},
    {DType::kI64, fb::DataType::I64},         {DType::kBool, fb::DataType::BOOL},
    {DType::kM0E4, fb::DataType::M0E4},
};

constexpr std::pair<Activation, fb::Activation> kActivations[] = {
    {Activation::kNone, fb::Activation::NONE},
    {Activation::kRelu, fb::Activation::RELU},
    {Activation::kReluN1To1, fb::Activation::RELU_N1_TO_1},
    {Activation::kRelu6, fb::Activation::RELU6},
    {Activation::kTanh, fb::Activation::TANH},
    {Activation::kSignBit, fb::Activation::SIGN_BIT},
};

template <typename A, typename B, size_t N>
std::optional<B> lookup(const std::pair<A, B> (&table)[N], A key) {
  for (const auto& [a, b] : table)
    if (a == key) return b;
  return std::nullopt;
}

template <typename A, typename B, size_t N>
std::optional<A> reverse_lookup(const std::pair<A, B> (&table)[N], B key) {
  for (const auto& [a, b] : table)
    if (b == key) return a;
  return std::nullopt;
}

}  // namespace

std::optional<fb::DataType> to_fb(DType dtype) {
  return lookup(kDTypes, dtype);
}
std::optional<DType> from_fb(fb::DataType dtype) {
  return reverse_lookup(kDTypes, dtype);
}

std::optional<fb::Activation> to_fb(Activation act) {
  return lookup(kActivations, act);
}
std::optional<Activation> from_fb(fb::Activation act) {
  return reverse_lookup(kActivations, act);
}

}  // namespace odin::odin_schema
