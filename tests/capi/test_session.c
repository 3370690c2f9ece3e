/* Sessions on add_relu (y = relu(a + b)): inputs, run, outputs, resize,
 * profiling, and every error path. */
#include "check.h"

static odin_model* load_add_relu(void) {
  char path[512];
  odin_model* m = NULL;
  CHECK_OK(odin_model_load_file(test_data("ops/models/add_relu.tflite", path, sizeof path), &m));
  return m;
}

static void fill(float* x, int n, float start, float step) {
  for (int i = 0; i < n; ++i) x[i] = start + step * (float)i;
}

static void test_create(odin_model* m) {
  odin_session* s = (odin_session*)m; /* out-pointer kept on failure */
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_create(NULL, NULL, &s));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_create(m, NULL, NULL));
  CHECK(s == (odin_session*)m);

  odin_session_options* o = NULL;
  CHECK_OK(odin_session_options_create(&o));
  CHECK_OK(odin_session_options_set_max_arena_bytes(o, 16)); /* needs 3 * 192 bytes */
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_create(m, o, &s));
  CHECK(strstr(odin_last_error(), "arena") != NULL);

  CHECK_OK(odin_session_options_set_max_arena_bytes(o, 1 << 20));
  CHECK_OK(odin_session_options_set_backends(o, "cpu"));
  CHECK_OK(odin_session_options_set_num_threads(o, 2));
  CHECK_OK(odin_session_create(m, o, &s));
  odin_session_options_release(o); /* the session copied it */
  int32_t n = 0;
  CHECK_OK(odin_session_input_count(s, &n));
  CHECK(n == 2);
  CHECK_OK(odin_session_output_count(s, &n));
  CHECK(n == 1);
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_input_count(s, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_output_count(s, NULL));
  odin_session_release(s);
}

static void test_inputs_outputs(odin_model* m) {
  odin_session* s = NULL;
  CHECK_OK(odin_session_create(m, NULL, &s));
  float a[48], b[48], y[48];
  fill(a, 48, 0.5f, 0.0f);
  fill(b, 48, -10.0f, 1.0f);
  const void* out = NULL;
  size_t out_size = 0;

  /* Nothing to read or run yet. */
  CHECK_STATUS(ODIN_ERROR_FAILED_PRECONDITION, odin_session_run(s));
  CHECK(strstr(odin_last_error(), "input 0 'a'") != NULL);
  CHECK_STATUS(ODIN_ERROR_FAILED_PRECONDITION, odin_session_get_output(s, 0, &out, &out_size));
  CHECK_STATUS(ODIN_ERROR_FAILED_PRECONDITION, odin_session_copy_output(s, 0, y, sizeof y));

  /* set_input checks index, dtype, size and data. */
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE,
               odin_session_set_input(s, 2, ODIN_DTYPE_FLOAT32, a, sizeof a));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE,
               odin_session_set_input(s, -1, ODIN_DTYPE_FLOAT32, a, sizeof a));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_session_set_input(s, 0, ODIN_DTYPE_INT32, a, sizeof a));
  CHECK(strstr(odin_last_error(), "float32") != NULL && strstr(odin_last_error(), "int32"));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, a, sizeof a - 4));
  CHECK(strstr(odin_last_error(), "192 bytes") != NULL);
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, a, sizeof a + 4));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, NULL, sizeof a));

  /* One input of two set: still not runnable. */
  CHECK_OK(odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, a, sizeof a));
  CHECK_STATUS(ODIN_ERROR_FAILED_PRECONDITION, odin_session_run(s));
  CHECK(strstr(odin_last_error(), "input 1 'b'") != NULL);
  CHECK_OK(odin_session_set_input(s, 1, ODIN_DTYPE_FLOAT32, b, sizeof b));
  fill(b, 48, 100.0f, 0.0f); /* inputs were copied */
  CHECK_OK(odin_session_run(s));

  CHECK_OK(odin_session_get_output(s, 0, &out, &out_size));
  CHECK(out != NULL && out_size == sizeof y);
  const float* yp = out;
  for (int i = 0; i < 48; ++i) CHECK(yp[i] == (i < 10 ? 0.0f : (float)i - 9.5f));
  CHECK_OK(odin_session_copy_output(s, 0, y, sizeof y));
  CHECK(memcmp(y, out, sizeof y) == 0);

  /* A second run without new inputs gives the same result. */
  CHECK_OK(odin_session_run(s));
  CHECK_OK(odin_session_copy_output(s, 0, y, sizeof y));
  CHECK(y[47] == 37.5f);

  /* Output errors. */
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_get_output(s, 1, &out, &out_size));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_get_output(s, -1, &out, &out_size));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_get_output(s, 0, NULL, &out_size));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_get_output(s, 0, &out, NULL));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_copy_output(s, 3, y, sizeof y));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_copy_output(s, 0, y, sizeof y - 1));
  CHECK(strstr(odin_last_error(), "192 bytes") != NULL);
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_copy_output(s, 0, y, sizeof y + 4));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_copy_output(s, 0, NULL, sizeof y));

  /* Info reflects the session's shapes. */
  odin_tensor_info info;
  CHECK_OK(odin_session_input_info(s, 1, &info));
  CHECK(strcmp(info.name, "b") == 0 && info.dtype == ODIN_DTYPE_FLOAT32 && info.rank == 4);
  CHECK_OK(odin_session_output_info(s, 0, &info));
  CHECK(strcmp(info.name, "y") == 0 && info.dims[1] == 4);
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_input_info(s, 2, &info));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_output_info(s, -1, &info));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_input_info(s, 0, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_output_info(s, 0, NULL));
  odin_session_release(s);
}

/* Under a weight budget (block-wise loading) the session computes the same. */
static void test_weight_budget(odin_model* m) {
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_options_set_max_weight_bytes(NULL, 1));
  odin_session_options* o = NULL;
  CHECK_OK(odin_session_options_create(&o));
  CHECK_OK(odin_session_options_set_backends(o, "cpu"));
  CHECK_OK(odin_session_options_set_max_weight_bytes(o, 1));
  odin_session* s = NULL;
  CHECK_OK(odin_session_create(m, o, &s));
  odin_session_options_release(o);
  float a[48], b[48], y[48];
  fill(a, 48, 0.5f, 0.0f);
  fill(b, 48, -10.0f, 1.0f);
  CHECK_OK(odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, a, sizeof a));
  CHECK_OK(odin_session_set_input(s, 1, ODIN_DTYPE_FLOAT32, b, sizeof b));
  for (int run = 0; run < 2; ++run) {
    CHECK_OK(odin_session_run(s));
    CHECK_OK(odin_session_copy_output(s, 0, y, sizeof y));
    for (int i = 0; i < 48; ++i) CHECK(y[i] == (a[i] + b[i] > 0.0f ? a[i] + b[i] : 0.0f));
  }
  odin_session_release(s);
}

static void test_resize(odin_model* m) {
  odin_session* s = NULL;
  CHECK_OK(odin_session_create(m, NULL, &s));
  const int64_t small[4] = {1, 2, 2, 3};
  const int64_t orig[4] = {1, 4, 4, 3};
  const int64_t negative[4] = {1, -2, 2, 3};
  const int64_t huge[4] = {1 << 30, 1 << 30, 1 << 30, 3};

  /* Rejected before the session is touched. */
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_resize_input(s, 2, 4, small));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_resize_input(s, -1, 4, small));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_resize_input(s, 0, -1, small));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_resize_input(s, 0, ODIN_MAX_RANK + 1, small));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_resize_input(s, 0, 4, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_resize_input(s, 0, 4, negative));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_resize_input(s, 0, 4, huge));

  /* Two inputs change together: the first resize alone is inconsistent
   * ([1,2,2,3] + [1,4,4,3]) and leaves the session unusable... */
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_resize_input(s, 0, 4, small));
  float a[12], b[12], y[12];
  fill(a, 12, 1.0f, 1.0f);
  fill(b, 12, -5.0f, 0.0f);
  CHECK_STATUS(ODIN_ERROR_FAILED_PRECONDITION,
               odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, a, sizeof a));
  CHECK_STATUS(ODIN_ERROR_FAILED_PRECONDITION, odin_session_run(s));
  const void* out = NULL;
  size_t out_size = 0;
  CHECK_STATUS(ODIN_ERROR_FAILED_PRECONDITION, odin_session_get_output(s, 0, &out, &out_size));
  /* ...until the second one makes the shapes consistent again. */
  CHECK_OK(odin_session_resize_input(s, 1, 4, small));
  odin_tensor_info info;
  CHECK_OK(odin_session_output_info(s, 0, &info));
  CHECK(info.rank == 4 && info.dims[1] == 2 && info.dims[2] == 2);

  CHECK_OK(odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, a, sizeof a));
  CHECK_OK(odin_session_set_input(s, 1, ODIN_DTYPE_FLOAT32, b, sizeof b));
  CHECK_OK(odin_session_run(s));
  CHECK_OK(odin_session_copy_output(s, 0, y, sizeof y));
  for (int i = 0; i < 12; ++i) CHECK(y[i] == (i < 4 ? 0.0f : (float)i - 4.0f));

  /* A resize wants every input set again, and drops the outputs. */
  CHECK_OK(odin_session_resize_input(s, 0, 4, small));
  CHECK_STATUS(ODIN_ERROR_FAILED_PRECONDITION, odin_session_get_output(s, 0, &out, &out_size));
  CHECK_OK(odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, a, sizeof a));
  CHECK_STATUS(ODIN_ERROR_FAILED_PRECONDITION, odin_session_run(s));
  CHECK_OK(odin_session_set_input(s, 1, ODIN_DTYPE_FLOAT32, b, sizeof b));
  CHECK_OK(odin_session_run(s));

  /* Back to the model's shape (again inconsistent half-way): the old sizes
   * apply again. */
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_resize_input(s, 0, 4, orig));
  CHECK(strstr(odin_last_error(), "do not broadcast") != NULL);
  CHECK_OK(odin_session_resize_input(s, 1, 4, orig));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, a, sizeof a));
  odin_session_release(s);
}

static void test_profile(odin_model* m) {
  int32_t n = -1;
  odin_profile_entry e;
  float x[48] = {0};

  /* Off by default. */
  odin_session* s = NULL;
  CHECK_OK(odin_session_create(m, NULL, &s));
  CHECK_OK(odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, x, sizeof x));
  CHECK_OK(odin_session_set_input(s, 1, ODIN_DTYPE_FLOAT32, x, sizeof x));
  CHECK_OK(odin_session_run(s));
  CHECK_OK(odin_session_profile_count(s, &n));
  CHECK(n == 0);
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_profile_entry(s, 0, &e));
  odin_session_release(s);

  odin_session_options* o = NULL;
  CHECK_OK(odin_session_options_create(&o));
  CHECK_OK(odin_session_options_set_profiling(o, 1));
  CHECK_OK(odin_session_create(m, o, &s));
  odin_session_options_release(o);
  CHECK_OK(odin_session_profile_count(s, &n));
  CHECK(n == 0); /* no run yet */
  CHECK_OK(odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, x, sizeof x));
  CHECK_OK(odin_session_set_input(s, 1, ODIN_DTYPE_FLOAT32, x, sizeof x));
  CHECK_OK(odin_session_run(s));
  CHECK_OK(odin_session_profile_count(s, &n));
  CHECK(n == 1);
  CHECK_OK(odin_session_profile_entry(s, 0, &e));
  CHECK(e.node_index == 0);
  CHECK(strcmp(e.op, "ADD") == 0);
  CHECK(strcmp(e.backend, "cpu") == 0);
  CHECK(e.name != NULL);
  CHECK(e.time_ms >= 0.0);
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_profile_entry(s, 1, &e));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_profile_entry(s, -1, &e));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_profile_entry(s, 0, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_profile_count(s, NULL));
  odin_session_release(s);
}

int main(void) {
  odin_model* m = load_add_relu();
  test_create(m);
  test_inputs_outputs(m);
  test_weight_budget(m);
  test_resize(m);
  test_profile(m);
  odin_model_release(m);
  printf("capi session: ok\n");
  return 0;
}
