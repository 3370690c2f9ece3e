/* Assertions for the C API tests: on failure they print file:line, the
 * expression, the status and odin_last_error(), then exit(1). */
#ifndef ODIN_TESTS_CAPI_CHECK_H_
#define ODIN_TESTS_CAPI_CHECK_H_

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odin/odin.h"

static inline void check_fail(const char* file, int line, const char* what) {
  fprintf(stderr, "%s:%d: %s\n  odin_last_error: \"%s\"\n", file, line, what, odin_last_error());
  exit(1);
}

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) check_fail(__FILE__, __LINE__, "CHECK(" #cond ")"); \
  } while (0)

/* Expects ODIN_OK. */
#define CHECK_OK(expr)                                                      \
  do {                                                                      \
    odin_status check_s_ = (expr);                                          \
    if (check_s_ != ODIN_OK) {                                              \
      fprintf(stderr, "%s:%d: %s returned %s\n", __FILE__, __LINE__, #expr, \
              odin_status_string(check_s_));                                \
      check_fail(__FILE__, __LINE__, "expected ODIN_OK");                   \
    }                                                                       \
  } while (0)

/* Checks that `expr_text` (a call) failed with `want` and left a message
 * that names the called function, so the message is this call's own. */
static inline void check_status(const char* file, int line, const char* expr_text, odin_status want,
                                odin_status got) {
  if (got != want) {
    fprintf(stderr, "%s:%d: %s returned %s, expected %s\n", file, line, expr_text,
            odin_status_string(got), odin_status_string(want));
    check_fail(file, line, "wrong status");
  }
  const size_t fn_len = strcspn(expr_text, "( ");
  if (strncmp(odin_last_error(), expr_text, fn_len) != 0 || odin_last_error()[fn_len] != ':') {
    fprintf(stderr, "%s:%d: %s: message does not start with the function's name\n", file, line,
            expr_text);
    check_fail(file, line, "wrong message");
  }
}
#define CHECK_STATUS(want, expr) check_status(__FILE__, __LINE__, #expr, (want), (expr))

/* Reads a whole file into a malloc'd buffer; exits if it cannot. */
static inline void* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  const long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  void* data = malloc(n > 0 ? (size_t)n : 1);
  if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(1);
  }
  fclose(f);
  *size = (size_t)n;
  return data;
}

/* Path of a test data file under tests/ (ODIN_TEST_DATA_DIR). */
static inline const char* test_data(const char* rel, char* buf, size_t size) {
  snprintf(buf, size, "%s/%s", ODIN_TEST_DATA_DIR, rel);
  return buf;
}

/* Path of a zoo model in the model cache; exits with a hint if it is missing. */
static inline const char* zoo_model(const char* name, char* buf, size_t size) {
  const char* dir = getenv("ODIN_MODEL_DIR");
  if (dir && *dir) {
    snprintf(buf, size, "%s/%s.tflite", dir, name);
  } else {
    const char* home = getenv("HOME");
    snprintf(buf, size, "%s/.cache/odin/models/%s.tflite", home ? home : "", name);
  }
  FILE* f = fopen(buf, "rb");
  if (!f) {
    fprintf(stderr, "model %s not found at %s: run `python3 tools/fetch_models.py`\n", name, buf);
    exit(1);
  }
  fclose(f);
  return buf;
}

/* max|ref - got| / max|ref|, as the golden tests measure it. */
static inline double rel_range(const float* ref, const float* got, size_t n) {
  double scale = 0, diff = 0;
  for (size_t i = 0; i < n; ++i) {
    const double r = ref[i], d = fabs(r - got[i]);
    if (fabs(r) > scale) scale = fabs(r);
    if (isnan(d)) return INFINITY;
    if (d > diff) diff = d;
  }
  return scale == 0 ? diff : diff / scale;
}

#endif /* ODIN_TESTS_CAPI_CHECK_H_ */
