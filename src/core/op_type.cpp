#include "core/op_type.h"

#include <iterator>

namespace odin {
namespace {

constexpr std::string_view kNames[] = {
#define ODIN_OP_NAME(id, name) name,
    ODIN_OP_LIST(ODIN_OP_NAME)
#undef ODIN_OP_NAME
};

}  // namespace

std::string_view op_type_name(OpType type) {
  const auto i = static_cast<size_t>(type);
  return i < std::size(kNames) ? kNames[i] : std::string_view("?");
}

}  // namespace odin
