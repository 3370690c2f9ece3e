// Element types odin understands. Storage types (f16, i8, u8) may appear on
// constants; compute in the reference path is f32 (and i32 for indices).
#pragma once

#include <cstddef>
#include <cstdint>

namespace odin {

enum class DType : uint8_t { kUnknown = 0, kF32, kF16, kI32, kI64, kI16, kI8, kU8, kBool };

// Bytes per element; 0 for kUnknown.
size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);

}  // namespace odin
