// FlatBuffers' verifier checks a vector's length prefix (4-byte aligned) but
// not that 8-byte elements are 8-byte aligned; reading a misaligned int64 is
// undefined behaviour. Writers (flatc, FlatBufferBuilder) align every vector
// to its element size, so a vector that is not aligned is corrupt and both
// FlatBuffer readers (TFLite, .odin) refuse it before any element is read.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstdint>

namespace odin {

// True when every element of `v` can be read in place; an empty or absent
// vector reads nothing and may sit anywhere.
template <typename T>
bool elements_aligned(const flatbuffers::Vector<T>* v) {
  return !v || v->size() == 0 || reinterpret_cast<uintptr_t>(v->Data()) % alignof(T) == 0;
}

}  // namespace odin
