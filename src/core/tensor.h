// Non-owning views of tensor memory, as kernels see it. Kernels read
// ConstTensorView inputs and write into caller-owned TensorView outputs.
#pragma once

#include <cstdint>

#include "core/dtype.h"
#include "core/shape.h"

namespace odin {

struct ConstTensorView {
  DType dtype = DType::kUnknown;
  Shape shape;
  const void* data = nullptr;

  int64_t num_elements() const { return shape.num_elements(); }
  template <typename T>
  const T* as() const {
    return static_cast<const T*>(data);
  }
  bool empty() const { return data == nullptr; }
};

struct TensorView {
  DType dtype = DType::kUnknown;
  Shape shape;
  void* data = nullptr;

  int64_t num_elements() const { return shape.num_elements(); }
  template <typename T>
  T* as() const {
    return static_cast<T*>(data);
  }
  operator ConstTensorView() const { return {dtype, shape, data}; }  // NOLINT
};

}  // namespace odin
