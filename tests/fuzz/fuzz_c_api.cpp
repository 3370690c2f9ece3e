// libFuzzer target: sequences of C API calls on a model loaded from memory.
// The input's last bytes (up to kProgramBytes) are the program: session
// options with random values, then calls in random order with random indices,
// shapes and sizes (resize, set inputs, run, read and copy outputs, infos,
// profiles, a second session, releasing the model early). The bytes before it
// are the model. Every call must return a status, never crash; every byte an
// output pointer claims must be readable.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "capi/capi_internal.h"
#include "odin/odin.h"
#include "ops/op_def.h"

namespace {

constexpr size_t kProgramBytes = 64;
// Work per input stays small: the fuzzer hunts memory errors, not slow
// models (a 250 MB resize through the reference kernel took 26 s).
constexpr size_t kMaxArenaBytes = 4u << 20;
constexpr int kMaxRuns = 4;
constexpr int64_t kMaxResizeDim = 64;
// The arena cap bounds memory, not compute: a 5 KB model's pooling window
// over a 38405x5 image took 28 s under ASan. Models asking for more work than
// this (estimated from their ops, at their loaded shapes) are not run;
// resized inputs stay within kMaxResizeDim per dimension.
constexpr int64_t kMaxMacs = 20'000'000;

volatile uint8_t g_sink;  // reads of output bytes must not be optimized away

int32_t pick_index(FuzzedDataProvider& in, int32_t count) {
  return in.ConsumeIntegralInRange<int32_t>(-1, count);  // one past each end too
}

void set_all_inputs(odin_session* session, uint8_t fill) {
  int32_t n = 0;
  if (odin_session_input_count(session, &n) != ODIN_OK) return;
  for (int32_t i = 0; i < n; ++i) {
    odin_tensor_info info;
    if (odin_session_input_info(session, i, &info) != ODIN_OK) continue;
    size_t elements = 1;
    for (int32_t d = 0; d < info.rank; ++d)
      elements *= static_cast<size_t>(std::max<int64_t>(info.dims[d], 0));
    std::vector<uint8_t> bytes(elements * odin_dtype_size(info.dtype), fill);
    odin_session_set_input(session, i, info.dtype, bytes.data(), bytes.size());
  }
}

void read_output(odin_session* session, int32_t index) {
  const void* data = nullptr;
  size_t size = 0;
  if (odin_session_get_output(session, index, &data, &size) != ODIN_OK) return;
  const auto* bytes = static_cast<const uint8_t*>(data);
  uint8_t acc = 0;
  for (size_t i = 0; i < size; ++i) acc ^= bytes[i];
  g_sink = acc;
}

void resize_input(FuzzedDataProvider& in, odin_session* session) {
  int32_t n = 0;
  odin_session_input_count(session, &n);
  const int32_t rank = in.ConsumeIntegralInRange<int32_t>(-1, ODIN_MAX_RANK + 1);
  int64_t dims[ODIN_MAX_RANK + 1] = {};
  for (int64_t& d : dims) d = in.ConsumeIntegralInRange<int64_t>(-1, kMaxResizeDim);
  odin_session_resize_input(session, pick_index(in, n), rank, dims);
}

void read_profile(odin_session* session) {
  int32_t n = 0;
  if (odin_session_profile_count(session, &n) != ODIN_OK) return;
  for (int32_t i = 0; i <= n; ++i) {
    odin_profile_entry entry;
    if (odin_session_profile_entry(session, i, &entry) == ODIN_OK)
      g_sink = static_cast<uint8_t>(entry.op[0] ^ entry.name[0] ^ entry.backend[0]);
  }
}

odin_session_options* random_options(FuzzedDataProvider& in) {
  odin_session_options* options = nullptr;
  if (odin_session_options_create(&options) != ODIN_OK) return nullptr;
  // The CPU backend only: a Vulkan device per input would be far too slow,
  // and its paths are covered by the backend tests.
  odin_session_options_set_backends(options, "cpu");
  odin_session_options_set_num_threads(options, in.ConsumeIntegralInRange<int32_t>(-1, 3));
  odin_session_options_set_allow_reduced_precision(options, in.ConsumeBool());
  odin_session_options_set_profiling(options, in.ConsumeBool());
  odin_session_options_set_optimize(options, in.ConsumeBool());
  // 0 is refused (INVALID_ARGUMENT) and would leave the 2 GiB default.
  const size_t arena = in.ConsumeIntegralInRange<size_t>(0, kMaxArenaBytes);
  odin_session_options_set_max_arena_bytes(options, arena);
  if (arena == 0) odin_session_options_set_max_arena_bytes(options, kMaxArenaBytes);
  return options;
}

void run_program(FuzzedDataProvider& in, odin_model* model, const odin_session_options* options) {
  odin_session* session = nullptr;
  if (odin_session_create(model, options, &session) != ODIN_OK) {
    odin_model_release(model);
    return;
  }
  int32_t outputs = 0;
  odin_session_output_count(session, &outputs);
  odin_tensor_info info;
  int runs = 0;
  while (in.remaining_bytes() > 0) {
    switch (in.ConsumeIntegralInRange(0, 9)) {
      case 0:
        set_all_inputs(session, in.ConsumeIntegral<uint8_t>());
        break;
      case 1:
        if (runs++ < kMaxRuns) odin_session_run(session);
        break;
      case 2:
        read_output(session, pick_index(in, outputs));
        break;
      case 3: {
        std::vector<uint8_t> dst(in.ConsumeIntegralInRange<size_t>(0, 4096));
        odin_session_copy_output(session, pick_index(in, outputs), dst.data(), dst.size());
        break;
      }
      case 4:
        resize_input(in, session);
        break;
      case 5:
        odin_session_input_info(session, pick_index(in, 4), &info);
        odin_session_output_info(session, pick_index(in, outputs), &info);
        break;
      case 6:
        read_profile(session);
        break;
      case 7: {  // raw input bytes of a size chosen by the program
        std::vector<uint8_t> bytes(in.ConsumeIntegralInRange<size_t>(0, 4096));
        // Any value of the enum's range (0..15 for C++), known or not.
        const auto dtype = static_cast<odin_dtype>(in.ConsumeIntegralInRange<int32_t>(0, 15));
        odin_session_set_input(session, pick_index(in, 4), dtype, bytes.data(), bytes.size());
        break;
      }
      case 8:
        odin_model_release(model);  // the session keeps what it needs
        model = nullptr;
        break;
      default:
        if (model && runs++ < kMaxRuns) {
          odin_session* second = nullptr;
          if (odin_session_create(model, options, &second) == ODIN_OK) {
            set_all_inputs(second, 0);
            odin_session_run(second);
            odin_session_release(second);
          }
        }
        break;
    }
  }
  odin_session_release(session);
  odin_model_release(model);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const size_t program_size = std::min(size, kProgramBytes);
  const size_t model_size = size - program_size;
  FuzzedDataProvider in(data + model_size, program_size);
  const uint32_t flags = in.ConsumeBool() ? ODIN_BUFFER_COPY : ODIN_BUFFER_BORROW;
  odin_model* model = nullptr;
  if (odin_model_load_buffer(data, model_size, flags, &model) != ODIN_OK) return 0;
  const int64_t macs = odin::graph_work(model->data->graph);
  if (macs < 0 || macs > kMaxMacs) {
    odin_model_release(model);
    return 0;
  }
  int32_t count = 0;
  odin_model_input_count(model, &count);
  odin_tensor_info info;
  odin_model_input_info(model, pick_index(in, count), &info);
  odin_session_options* options = random_options(in);
  run_program(in, model, options);  // releases the model
  odin_session_options_release(options);
  return 0;
}
