/* One model shared by several threads, each running its own sessions at
 * the same time; odin_last_error() is per thread. */
#include <threads.h>

#include "check.h"

#define GOLDEN "models/golden/face_detection_short_range/photo/"
enum { kThreads = 4, kRuns = 3 };

static const odin_model* g_model;
static const float* g_input;
static size_t g_input_size;
static const float* g_ref;
static size_t g_ref_size;

static int worker(void* arg) {
  const int id = *(const int*)arg;
  for (int r = 0; r < kRuns; ++r) {
    odin_session* s = NULL;
    CHECK_OK(odin_session_create(g_model, NULL, &s));
    CHECK_OK(odin_session_set_input(s, 0, ODIN_DTYPE_FLOAT32, g_input, g_input_size));
    CHECK_OK(odin_session_run(s));
    const void* got = NULL;
    size_t got_size = 0;
    CHECK_OK(odin_session_get_output(s, 1, &got, &got_size));
    CHECK(got_size == g_ref_size);
    CHECK(rel_range(g_ref, got, g_ref_size / sizeof(float)) <= 1e-4);
    /* A failure here must not show up in another thread's message. */
    CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_session_get_output(s, 2 + id, &got, &got_size));
    char want[64];
    snprintf(want, sizeof want, "output index %d", 2 + id);
    CHECK(strstr(odin_last_error(), want) != NULL);
    odin_session_release(s);
  }
  return 0;
}

int main(void) {
  char path[1024];
  odin_model* m = NULL;
  CHECK_OK(odin_model_load_file(zoo_model("face_detection_short_range", path, sizeof path), &m));
  g_model = m;
  float* in = read_file(test_data(GOLDEN "input_0.bin", path, sizeof path), &g_input_size);
  float* ref = read_file(test_data(GOLDEN "output_1.bin", path, sizeof path), &g_ref_size);
  g_input = in;
  g_ref = ref;

  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_model_load_file(NULL, &m));
  thrd_t threads[kThreads];
  int ids[kThreads];
  for (int i = 0; i < kThreads; ++i) {
    ids[i] = i;
    CHECK(thrd_create(&threads[i], worker, &ids[i]) == thrd_success);
  }
  for (int i = 0; i < kThreads; ++i) {
    int rc = -1;
    CHECK(thrd_join(threads[i], &rc) == thrd_success && rc == 0);
  }
  /* The main thread still sees its own last failure. */
  CHECK(strncmp(odin_last_error(), "odin_model_load_file:", 21) == 0);

  odin_model_release(m);
  free(in);
  free(ref);
  printf("capi threads: %d threads x %d sessions ok\n", kThreads, kRuns);
  return 0;
}
