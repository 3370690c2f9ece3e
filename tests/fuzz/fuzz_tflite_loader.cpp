// libFuzzer target: byte-level mutation of .tflite files through the importer
// and one run (tflite_harness.h). Finds what the FlatBuffer verifier and the
// importer's own checks must reject.
#include "tflite_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  odin::fuzz::import_and_run_tflite(data, size);
  return 0;
}
