/* Model loading (file, copied and borrowed buffers), bad model bytes and
 * the input/output queries. */
#include "check.h"

#define ADD_RELU "ops/models/add_relu.tflite" /* y = relu(a + b), all [1,4,4,3] */

static void check_add_relu_model(const odin_model* m) {
  int32_t n = -1;
  CHECK_OK(odin_model_input_count(m, &n));
  CHECK(n == 2);
  CHECK_OK(odin_model_output_count(m, &n));
  CHECK(n == 1);

  odin_tensor_info info;
  CHECK_OK(odin_model_input_info(m, 1, &info));
  CHECK(strcmp(info.name, "b") == 0);
  CHECK(info.dtype == ODIN_DTYPE_FLOAT32);
  CHECK(info.rank == 4);
  CHECK(info.dims[0] == 1 && info.dims[1] == 4 && info.dims[2] == 4 && info.dims[3] == 3);
  CHECK(info.dims[4] == 0 && info.dims[ODIN_MAX_RANK - 1] == 0);
  CHECK_OK(odin_model_output_info(m, 0, &info));
  CHECK(strcmp(info.name, "y") == 0);
  CHECK(info.rank == 4 && info.dims[3] == 3);

  const char* name = NULL;
  CHECK_OK(odin_model_input_name(m, 0, &name));
  CHECK(strcmp(name, "a") == 0);
  CHECK_OK(odin_model_output_name(m, 0, &name));
  CHECK(strcmp(name, "y") == 0);
}

static void test_queries_errors(const odin_model* m) {
  odin_tensor_info info;
  const char* name = NULL;
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_model_input_info(m, 2, &info));
  CHECK(strstr(odin_last_error(), "input index 2") != NULL);
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_model_input_info(m, -1, &info));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_model_output_info(m, 1, &info));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_model_input_name(m, 7, &name));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_model_output_name(m, -2, &name));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_input_info(m, 0, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_output_info(m, 0, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_input_name(m, 0, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_output_name(m, 0, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_input_count(m, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_output_count(m, NULL));
}

/* Runs add_relu with a = 1, b = i - 10 and checks y = max(a + b, 0). */
static void run_add_relu(const odin_model* m) {
  odin_session* s = NULL;
  CHECK_OK(odin_session_create(m, NULL, &s));
  float a[48], b[48], y[48];
  for (int i = 0; i < 48; ++i) {
    a[i] = 1.0f;
    b[i] = (float)(i - 10);
  }
  CHECK_OK(odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, a, sizeof a));
  CHECK_OK(odin_session_set_input(s, 1, ODIN_DTYPE_FLOAT32, b, sizeof b));
  CHECK_OK(odin_session_run(s));
  CHECK_OK(odin_session_copy_output(s, 0, y, sizeof y));
  for (int i = 0; i < 48; ++i) CHECK(y[i] == (i < 9 ? 0.0f : (float)(i - 9)));
  odin_session_release(s);
}

static void test_load_file(const char* path) {
  odin_model* m = NULL;
  CHECK_OK(odin_model_load_file(path, &m));
  CHECK(m != NULL);
  check_add_relu_model(m);
  test_queries_errors(m);
  run_add_relu(m);
  odin_model_release(m);

  odin_model* untouched = (odin_model*)&m; /* out-pointer kept on failure */
  char buf[512];
  CHECK_STATUS(
      ODIN_ERROR_NOT_FOUND,
      odin_model_load_file(test_data("no/such/model.tflite", buf, sizeof buf), &untouched));
  CHECK(untouched == (odin_model*)&m);
  CHECK(strstr(odin_last_error(), "no/such/model.tflite") != NULL);
  CHECK_STATUS(ODIN_ERROR_IO, odin_model_load_file(test_data("ops", buf, sizeof buf), &m));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_load_file(NULL, &m));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_load_file(path, NULL));
}

static void test_load_buffer(const char* path) {
  size_t size = 0;
  unsigned char* bytes = read_file(path, &size);

  /* Copied: the caller's buffer may change and go away right after. */
  odin_model* copied = NULL;
  CHECK_OK(odin_model_load_buffer(bytes, size, ODIN_BUFFER_COPY, &copied));
  unsigned char* scratch = malloc(size);
  CHECK(scratch != NULL);
  memcpy(scratch, bytes, size);
  memset(bytes, 0xAB, size);
  check_add_relu_model(copied);
  run_add_relu(copied);

  /* Borrowed: used in place; the buffer lives until the model and its
   * sessions are gone. */
  odin_model* borrowed = NULL;
  CHECK_OK(odin_model_load_buffer(scratch, size, ODIN_BUFFER_BORROW, &borrowed));
  check_add_relu_model(borrowed);
  odin_session* s = NULL;
  CHECK_OK(odin_session_create(borrowed, NULL, &s));
  odin_model_release(borrowed); /* the session keeps the model's data */
  float in[48] = {0}, out[48];
  CHECK_OK(odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, in, sizeof in));
  CHECK_OK(odin_session_set_input(s, 1, ODIN_DTYPE_FLOAT32, in, sizeof in));
  CHECK_OK(odin_session_run(s));
  CHECK_OK(odin_session_copy_output(s, 0, out, sizeof out));
  CHECK(out[0] == 0.0f && out[47] == 0.0f);
  odin_session_release(s);
  memcpy(bytes, scratch, size);
  free(scratch); /* only now: model and session are released */

  /* Bad bytes and arguments. */
  odin_model* m = NULL;
  CHECK_STATUS(ODIN_ERROR_INVALID_MODEL, odin_model_load_buffer(bytes, size / 2, 0, &m));
  CHECK_STATUS(ODIN_ERROR_INVALID_MODEL,
               odin_model_load_buffer(bytes, size / 2, ODIN_BUFFER_BORROW, &m));
  CHECK_STATUS(ODIN_ERROR_INVALID_MODEL, odin_model_load_buffer(bytes, 7, 0, &m));
  CHECK_STATUS(ODIN_ERROR_INVALID_MODEL, odin_model_load_buffer(bytes, 0, 0, &m));
  static const char kText[] = "this is not a tflite model, just some text of some length";
  CHECK_STATUS(ODIN_ERROR_INVALID_MODEL, odin_model_load_buffer(kText, sizeof kText, 0, &m));
  unsigned char zeros[256] = {0};
  CHECK_STATUS(ODIN_ERROR_INVALID_MODEL, odin_model_load_buffer(zeros, sizeof zeros, 0, &m));
  CHECK(m == NULL);
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_load_buffer(bytes, size, 2, &m));
  CHECK(strstr(odin_last_error(), "flags") != NULL);
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_load_buffer(NULL, size, 0, &m));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_load_buffer(bytes, size, 0, NULL));

  /* The copied model still works after all of that. */
  run_add_relu(copied);
  odin_model_release(copied);
  free(bytes);
}

/* A truncated real model (constants cut off) is refused, never read past. */
static void test_truncated_zoo_model(void) {
  char path[1024];
  size_t size = 0;
  unsigned char* bytes =
      read_file(zoo_model("face_detection_short_range", path, sizeof path), &size);
  odin_model* m = NULL;
  const size_t cuts[] = {size - 1, size * 3 / 4, size / 2, 64, 8};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; ++i)
    CHECK_STATUS(ODIN_ERROR_INVALID_MODEL,
                 odin_model_load_buffer(bytes, cuts[i], ODIN_BUFFER_BORROW, &m));
  CHECK(m == NULL);
  CHECK_OK(odin_model_load_buffer(bytes, size, ODIN_BUFFER_BORROW, &m));
  odin_model_release(m);
  free(bytes);
}

int main(void) {
  char path[512];
  test_data(ADD_RELU, path, sizeof path);
  test_load_file(path);
  test_load_buffer(path);
  test_truncated_zoo_model();
  printf("capi model: ok\n");
  return 0;
}
