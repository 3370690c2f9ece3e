// Structure-aware mutation of .tflite files for libFuzzer: the model is
// parsed with the FlatBuffers object API, one or a few of its fields are
// perturbed (shapes, tensor types, buffer and tensor indices, op codes,
// options, quantization and sparsity), and it is packed again. Byte-level
// mutation almost never gets past the FlatBuffer verifier; this reaches the
// importer's checks, shape inference, passes and kernels.
#pragma once

#include <cstddef>
#include <cstdint>

namespace odin::fuzz {

// Mutates the model in data[0..size) in place; returns its new size, or 0
// when the bytes are not a verifiable model or the result would not fit in
// max_size (the caller then mutates the bytes instead).
size_t mutate_tflite(uint8_t* data, size_t size, size_t max_size, unsigned seed);

}  // namespace odin::fuzz
