/* Loads the model given on the command line, runs it once on zeros and
 * prints each output's name, dtype and shape. Exit code 1 on any error. */
#include <odin/odin.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(const char* what, odin_status s) {
  fprintf(stderr, "%s failed: %s: %s\n", what, odin_status_string(s), odin_last_error());
  return 1;
}

static void print_info(const char* kind, int32_t i, const odin_tensor_info* info) {
  printf("%s %d %s %s [", kind, (int)i, info->name, odin_dtype_name(info->dtype));
  for (int32_t d = 0; d < info->rank; ++d) printf("%s%lld", d ? "," : "", (long long)info->dims[d]);
  printf("]\n");
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODEL.tflite\n", argv[0]);
    return 2;
  }
  if (odin_version() / 10000 != ODIN_VERSION_MAJOR) {
    fprintf(stderr, "libodin %s does not match odin.h %s\n", odin_version_string(),
            ODIN_VERSION_STRING);
    return 1;
  }
  odin_model* model = NULL;
  odin_session* session = NULL;
  odin_status s = odin_model_load_file(argv[1], &model);
  if (s != ODIN_OK) return fail("odin_model_load_file", s);
  s = odin_session_create(model, NULL, &session);
  if (s != ODIN_OK) return fail("odin_session_create", s);
  odin_model_release(model); /* the session keeps what it needs */

  int32_t n = 0;
  odin_session_input_count(session, &n);
  for (int32_t i = 0; i < n; ++i) {
    odin_tensor_info info;
    if ((s = odin_session_input_info(session, i, &info)) != ODIN_OK)
      return fail("odin_session_input_info", s);
    print_info("input", i, &info);
    size_t bytes = odin_dtype_size(info.dtype);
    for (int32_t d = 0; d < info.rank; ++d) bytes *= (size_t)info.dims[d];
    void* zeros = calloc(bytes ? bytes : 1, 1);
    if (!zeros) return 1;
    s = odin_session_set_input(session, i, info.dtype, zeros, bytes);
    free(zeros);
    if (s != ODIN_OK) return fail("odin_session_set_input", s);
  }
  if ((s = odin_session_run(session)) != ODIN_OK) return fail("odin_session_run", s);

  odin_session_output_count(session, &n);
  for (int32_t i = 0; i < n; ++i) {
    odin_tensor_info info;
    if ((s = odin_session_output_info(session, i, &info)) != ODIN_OK)
      return fail("odin_session_output_info", s);
    print_info("output", i, &info);
  }
  odin_session_release(session);
  printf("odin %s: ok\n", odin_version_string());
  return 0;
}
