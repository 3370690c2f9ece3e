/* Version, status and dtype helpers, the last-error message, and session
 * options with all their error paths. */
#include "check.h"

static void test_version(void) {
  CHECK(odin_version() == ODIN_VERSION);
  CHECK(odin_version() / 10000 == ODIN_VERSION_MAJOR);
  CHECK(strcmp(odin_version_string(), ODIN_VERSION_STRING) == 0);
  char expect[32];
  snprintf(expect, sizeof expect, "%d.%d.%d", ODIN_VERSION_MAJOR, ODIN_VERSION_MINOR,
           ODIN_VERSION_PATCH);
  CHECK(strcmp(odin_version_string(), expect) == 0);
}

static void test_strings(void) {
  CHECK(strcmp(odin_status_string(ODIN_OK), "ok") == 0);
  CHECK(strcmp(odin_status_string(ODIN_ERROR_FAILED_PRECONDITION), "failed precondition") == 0);
  for (int s = ODIN_OK; s <= ODIN_ERROR_FAILED_PRECONDITION; ++s)
    CHECK(strcmp(odin_status_string((odin_status)s), "unknown status") != 0);
  CHECK(strcmp(odin_status_string((odin_status)12), "unknown status") == 0);

  CHECK(odin_dtype_size(ODIN_DTYPE_FLOAT32) == 4);
  CHECK(odin_dtype_size(ODIN_DTYPE_FLOAT16) == 2);
  CHECK(odin_dtype_size(ODIN_DTYPE_INT64) == 8);
  CHECK(odin_dtype_size(ODIN_DTYPE_UINT8) == 1);
  CHECK(odin_dtype_size(ODIN_DTYPE_BOOL) == 1);
  CHECK(odin_dtype_size(ODIN_DTYPE_UNKNOWN) == 0);
  CHECK(odin_dtype_size((odin_dtype)12) == 0);
  CHECK(strcmp(odin_dtype_name(ODIN_DTYPE_INT8), "int8") == 0);
  CHECK(strcmp(odin_dtype_name(ODIN_DTYPE_UNKNOWN), "unknown") == 0);
  CHECK(strcmp(odin_dtype_name((odin_dtype)12), "unknown") == 0);
}

static void test_last_error(void) {
  /* Nothing failed on this thread yet. */
  CHECK(odin_last_error() != NULL);
  CHECK(strcmp(odin_last_error(), "") == 0);
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_options_create(NULL));
  CHECK(strstr(odin_last_error(), "'out_options' is NULL") != NULL);
  /* Success leaves the message alone. */
  CHECK(odin_version() > 0);
  odin_session_options* o = NULL;
  CHECK_OK(odin_session_options_create(&o));
  CHECK(strstr(odin_last_error(), "'out_options' is NULL") != NULL);
  odin_session_options_release(o);
}

static void test_options(void) {
  odin_session_options* o = NULL;
  CHECK_OK(odin_session_options_create(&o));
  CHECK(o != NULL);

  CHECK_OK(odin_session_options_set_backends(o, "cpu"));
  CHECK_OK(odin_session_options_set_backends(o, ""));
  CHECK_OK(odin_session_options_set_backends(o, NULL));
  CHECK_STATUS(ODIN_ERROR_NOT_FOUND, odin_session_options_set_backends(o, "cpu,tpu"));
  CHECK(strstr(odin_last_error(), "'tpu'") != NULL);
  CHECK(strstr(odin_last_error(), "cpu") != NULL); /* lists what the build has */
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_options_set_backends(NULL, "cpu"));

  CHECK_OK(odin_session_options_set_num_threads(o, 1));
  CHECK_OK(odin_session_options_set_num_threads(o, 256));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_options_set_num_threads(o, 0));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_options_set_num_threads(o, -3));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_options_set_num_threads(o, 257));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_options_set_num_threads(NULL, 2));

  CHECK_OK(odin_session_options_set_allow_reduced_precision(o, 1));
  CHECK_OK(odin_session_options_set_allow_reduced_precision(o, 0));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_session_options_set_allow_reduced_precision(NULL, 1));

  CHECK_OK(odin_session_options_set_exact_int8(o, 1));
  CHECK_OK(odin_session_options_set_exact_int8(o, 0));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_options_set_exact_int8(NULL, 1));

  CHECK_OK(odin_session_options_set_profiling(o, 1));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_options_set_profiling(NULL, 1));

  CHECK_OK(odin_session_options_set_optimize(o, 0));
  CHECK_OK(odin_session_options_set_optimize(o, 1));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_options_set_optimize(NULL, 1));

  CHECK_OK(odin_session_options_set_max_arena_bytes(o, 1 << 20));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_options_set_max_arena_bytes(o, 0));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_options_set_max_arena_bytes(NULL, 1));

  odin_session_options_release(o);
  odin_session_options_release(NULL); /* no-op */
}

/* Every function taking a handle refuses NULL (release functions accept it). */
static void test_null_handles(void) {
  int32_t n = 0;
  odin_tensor_info info;
  const char* name = NULL;
  odin_profile_entry entry;
  const void* data = NULL;
  size_t size = 0;
  float buf[4] = {0};
  int64_t dims[1] = {1};
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_input_count(NULL, &n));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_output_count(NULL, &n));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_input_info(NULL, 0, &info));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_output_info(NULL, 0, &info));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_input_name(NULL, 0, &name));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_output_name(NULL, 0, &name));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_create(NULL, NULL, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_input_count(NULL, &n));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_output_count(NULL, &n));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_input_info(NULL, 0, &info));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_output_info(NULL, 0, &info));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_resize_input(NULL, 0, 1, dims));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_session_set_input(NULL, 0, ODIN_DTYPE_FLOAT32, buf, sizeof buf));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_run(NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_get_output(NULL, 0, &data, &size));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_copy_output(NULL, 0, buf, sizeof buf));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_profile_count(NULL, &n));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_session_profile_entry(NULL, 0, &entry));
  odin_model_release(NULL);
  odin_session_release(NULL);
}

int main(void) {
  test_version();
  test_strings();
  test_last_error();
  test_options();
  test_null_handles();
  printf("capi basics: ok\n");
  return 0;
}
