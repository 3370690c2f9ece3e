/* BlazeFace (face_detection_short_range) through the C API against the
 * committed LiteRT.js golden outputs, with per-node profiling, optimized and
 * on the reference kernels. */
#include "check.h"

#define GOLDEN "models/golden/face_detection_short_range/photo/"

static void run_face(int32_t optimize) {
  char path[1024];
  odin_model* m = NULL;
  CHECK_OK(odin_model_load_file(zoo_model("face_detection_short_range", path, sizeof path), &m));

  odin_tensor_info info;
  CHECK_OK(odin_model_input_info(m, 0, &info));
  CHECK(info.dtype == ODIN_DTYPE_FLOAT32 && info.rank == 4);
  CHECK(info.dims[0] == 1 && info.dims[1] == 128 && info.dims[2] == 128 && info.dims[3] == 3);

  odin_session_options* o = NULL;
  CHECK_OK(odin_session_options_create(&o));
  CHECK_OK(odin_session_options_set_profiling(o, 1));
  CHECK_OK(odin_session_options_set_optimize(o, optimize));
  odin_session* s = NULL;
  CHECK_OK(odin_session_create(m, o, &s));
  odin_session_options_release(o);
  odin_model_release(m);

  size_t in_size = 0;
  float* in = read_file(test_data(GOLDEN "input_0.bin", path, sizeof path), &in_size);
  CHECK(in_size == 128 * 128 * 3 * sizeof(float));
  CHECK_OK(odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, in, in_size));
  CHECK_OK(odin_session_run(s));

  const char* golden[2] = {GOLDEN "output_0.bin", GOLDEN "output_1.bin"};
  const int64_t last_dim[2] = {16, 1};
  for (int32_t k = 0; k < 2; ++k) {
    CHECK_OK(odin_session_output_info(s, k, &info));
    CHECK(info.rank == 3 && info.dims[1] == 896 && info.dims[2] == last_dim[k]);
    size_t ref_size = 0;
    float* ref = read_file(test_data(golden[k], path, sizeof path), &ref_size);
    const void* got = NULL;
    size_t got_size = 0;
    CHECK_OK(odin_session_get_output(s, k, &got, &got_size));
    CHECK(got_size == ref_size);
    const double rr = rel_range(ref, got, ref_size / sizeof(float));
    printf("optimize=%d output %d '%s': rel_range %.3g\n", (int)optimize, (int)k, info.name, rr);
    CHECK(rr <= 1e-4);
    free(ref);
  }

  int32_t n = 0;
  CHECK_OK(odin_session_profile_count(s, &n));
  CHECK(n > 10);
  double total = 0;
  int convs = 0;
  for (int32_t i = 0; i < n; ++i) {
    odin_profile_entry e;
    CHECK_OK(odin_session_profile_entry(s, i, &e));
    CHECK(e.node_index == i && e.op && e.name && e.backend && e.time_ms >= 0);
    convs += strcmp(e.op, "CONV_2D") == 0;
    total += e.time_ms;
  }
  CHECK(convs > 0);
  printf("optimize=%d: %d nodes, %.2f ms\n", (int)optimize, (int)n, total);

  free(in);
  odin_session_release(s);
}

int main(void) {
  run_face(0);
  run_face(1);
  printf("capi face detection: ok\n");
  return 0;
}
