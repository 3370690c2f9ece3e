// libFuzzer target: the TFLite importer and one run, like fuzz_tflite_loader,
// but most mutations go through the FlatBuffers object API
// (tflite_mutator.h), so inputs stay valid FlatBuffers and reach shape
// inference, the passes and the kernels with hostile field values.
#include <cstddef>
#include <cstdint>

#include "tflite_harness.h"
#include "tflite_mutator.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  odin::fuzz::import_and_run_tflite(data, size);
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  // One in eight mutations stays byte-level, for what the object API cannot
  // express (bad offsets, truncation, a broken identifier).
  if (seed % 8 != 0) {
    const size_t mutated = odin::fuzz::mutate_tflite(data, size, max_size, seed);
    if (mutated > 0) return mutated;
  }
  return LLVMFuzzerMutate(data, size, max_size);
}
