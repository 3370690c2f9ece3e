/*
 * odin.h: the C API of the odin inference runtime, and its only stable ABI.
 *
 * C99. Opaque handles, no C++ types, no exceptions cross it. Every function
 * that can fail returns an odin_status; on failure the out-arguments are left
 * untouched and odin_last_error() holds a message saying what failed.
 *
 * Usage:
 *   odin_model* model = NULL;
 *   odin_session* session = NULL;
 *   if (odin_model_load_file("face.tflite", &model) != ODIN_OK ||
 *       odin_session_create(model, NULL, &session) != ODIN_OK) {
 *     fprintf(stderr, "odin: %s\n", odin_last_error());
 *     ...
 *   }
 *   odin_session_set_input(session, 0, ODIN_DTYPE_FLOAT32, pixels, sizeof pixels);
 *   odin_session_run(session);
 *   const void* out; size_t out_bytes;
 *   odin_session_get_output(session, 0, &out, &out_bytes);
 *   odin_session_release(session);
 *   odin_model_release(model);
 *
 * Thread safety:
 *   - A model is immutable after loading: any number of threads may query it
 *     and create sessions from it at the same time.
 *   - A session is used by one thread at a time (the caller serialises calls
 *     on one session); different sessions may run concurrently on different
 *     threads, including sessions of one model.
 *   - Options objects are like sessions: one thread at a time. A session
 *     copies its options at creation, so they may be changed or released
 *     afterwards.
 *   - odin_last_error() is per thread.
 *
 * Indices are int32_t: a negative or too large index is ODIN_ERROR_OUT_OF_RANGE.
 * A NULL handle or a NULL out-pointer is ODIN_ERROR_INVALID_ARGUMENT, except
 * for the *_release functions, which accept NULL and do nothing.
 */
#ifndef ODIN_ODIN_H_
#define ODIN_ODIN_H_

#include <stddef.h>
#include <stdint.h>

/* ODIN_API marks the exported functions. Define ODIN_STATIC when linking the
 * static library on Windows. */
#if defined(_WIN32)
#if defined(ODIN_STATIC)
#define ODIN_API
#elif defined(ODIN_BUILDING_LIBRARY)
#define ODIN_API __declspec(dllexport)
#else
#define ODIN_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define ODIN_API __attribute__((visibility("default")))
#else
#define ODIN_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Version ------------------------------------------------------------ */

/* The version of this header; odin_version() gives the library's. */
#define ODIN_VERSION_MAJOR 0
#define ODIN_VERSION_MINOR 1
#define ODIN_VERSION_PATCH 0
#define ODIN_VERSION_STRING "0.1.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, as odin_version() returns it. */
#define ODIN_VERSION (ODIN_VERSION_MAJOR * 10000 + ODIN_VERSION_MINOR * 100 + ODIN_VERSION_PATCH)

/* The loaded library's version as MAJOR * 10000 + MINOR * 100 + PATCH. Lets an
 * app check that the library it runs with matches the header it was built
 * with (same major version). */
ODIN_API int32_t odin_version(void);
/* The loaded library's version as "MAJOR.MINOR.PATCH"; a static string. */
ODIN_API const char* odin_version_string(void);

/* ---- Status and errors -------------------------------------------------- */

typedef enum odin_status {
  ODIN_OK = 0,
  ODIN_ERROR_INVALID_ARGUMENT = 1,   /* NULL pointer, wrong size/dtype/shape/flag */
  ODIN_ERROR_NOT_FOUND = 2,          /* file or backend name does not exist */
  ODIN_ERROR_INVALID_MODEL = 3,      /* model bytes corrupt, truncated or not a model */
  ODIN_ERROR_UNSUPPORTED = 4,        /* valid model odin cannot run (op, dtype, rank) */
  ODIN_ERROR_OUT_OF_RANGE = 5,       /* index or size outside its range */
  ODIN_ERROR_IO = 6,                 /* reading a file failed */
  ODIN_ERROR_INTERNAL = 7,           /* a bug in odin */
  ODIN_ERROR_OUT_OF_MEMORY = 8,      /* an allocation failed */
  ODIN_ERROR_FAILED_PRECONDITION = 9 /* call out of order, e.g. run before inputs set */
} odin_status;

/* The enumerator's name without the prefix ("ok", "invalid argument", ...);
 * "unknown status" for values outside the enum. A static string. */
ODIN_API const char* odin_status_string(odin_status status);

/* The message of the last failed odin call on the calling thread, e.g.
 * "odin_session_set_input: input 0 'input' needs 196608 bytes (...), got 12".
 * "" if no call on this thread has failed. Successful calls leave it as it
 * was. Valid until the next failing odin call on this thread; never NULL. */
ODIN_API const char* odin_last_error(void);

/* ---- Tensors -------------------------------------------------------------- */

/* Element types. Values are stable. */
typedef enum odin_dtype {
  ODIN_DTYPE_UNKNOWN = 0,
  ODIN_DTYPE_FLOAT32 = 1,
  ODIN_DTYPE_FLOAT16 = 2,
  ODIN_DTYPE_INT32 = 3,
  ODIN_DTYPE_INT64 = 4,
  ODIN_DTYPE_INT16 = 5,
  ODIN_DTYPE_INT8 = 6,
  ODIN_DTYPE_UINT8 = 7,
  ODIN_DTYPE_BOOL = 8 /* one byte per element, 0 or 1 */
} odin_dtype;

/* Bytes per element of `dtype`; 0 for ODIN_DTYPE_UNKNOWN or unknown values. */
ODIN_API size_t odin_dtype_size(odin_dtype dtype);
/* "float32", "int8", ...; "unknown" otherwise. A static string. */
ODIN_API const char* odin_dtype_name(odin_dtype dtype);

/* Tensors of higher rank are reported as ODIN_ERROR_UNSUPPORTED by the info
 * getters. */
#define ODIN_MAX_RANK 8
/* A dimension only known once the input shapes are (see resize_input). */
#define ODIN_DYNAMIC_DIM (-1)

typedef struct odin_tensor_info {
  /* The tensor's name in the model; never NULL (may be ""). Owned by the
   * model or session that filled the struct; lifetime given per getter. */
  const char* name;
  odin_dtype dtype;
  int32_t rank;
  /* dims[0..rank): size per dimension, or ODIN_DYNAMIC_DIM. Unused entries
   * are 0. */
  int64_t dims[ODIN_MAX_RANK];
} odin_tensor_info;

/* ---- Models ------------------------------------------------------------- */

/* A loaded model: its graph and the bytes its constants live in. Immutable;
 * shareable across threads (see "Thread safety"). */
typedef struct odin_model odin_model;

/* Memory-maps a .tflite file and loads it into *out_model (released with
 * odin_model_release). The file's bytes are used in place; the mapping stays
 * valid even if the file is later deleted.
 * Errors: INVALID_ARGUMENT (path or out_model NULL), NOT_FOUND (no such
 * file), IO (unreadable, a directory, empty), INVALID_MODEL (not a valid
 * .tflite), UNSUPPORTED (ops or types odin lacks), OUT_OF_MEMORY. */
ODIN_API odin_status odin_model_load_file(const char* path, odin_model** out_model);

/* Flags for odin_model_load_buffer. */
typedef enum odin_buffer_flags {
  /* odin copies the bytes; the caller may free them as soon as the call
   * returns. */
  ODIN_BUFFER_COPY = 0,
  /* odin uses the bytes in place (no copy): the caller must keep `data`
   * alive and unchanged until the model AND every session created from it
   * have been released. Saves memory for large models already in memory. */
  ODIN_BUFFER_BORROW = 1
} odin_buffer_flags;

/* Loads a .tflite model from `size` bytes at `data` into *out_model.
 * `flags` is ODIN_BUFFER_COPY or ODIN_BUFFER_BORROW (see above).
 * Errors: INVALID_ARGUMENT (data NULL, out_model NULL, unknown flags),
 * INVALID_MODEL (size 0, truncated or not a model), UNSUPPORTED,
 * OUT_OF_MEMORY. */
ODIN_API odin_status odin_model_load_buffer(const void* data, size_t size, uint32_t flags,
                                            odin_model** out_model);

/* Releases the caller's reference. Sessions created from the model keep
 * what they need alive, so a model may be released before its sessions.
 * NULL is a no-op. */
ODIN_API void odin_model_release(odin_model* model);

/* Number of graph inputs / outputs into *out_count.
 * Errors: INVALID_ARGUMENT (model or out_count NULL). */
ODIN_API odin_status odin_model_input_count(const odin_model* model, int32_t* out_count);
ODIN_API odin_status odin_model_output_count(const odin_model* model, int32_t* out_count);

/* Fills *out_info with input / output `index` as declared in the model (dims
 * may be ODIN_DYNAMIC_DIM). info->name stays valid until the model is
 * released with odin_model_release AND all its sessions are released.
 * Errors: INVALID_ARGUMENT (NULL model or out_info), OUT_OF_RANGE (index),
 * UNSUPPORTED (rank above ODIN_MAX_RANK). */
ODIN_API odin_status odin_model_input_info(const odin_model* model, int32_t index,
                                           odin_tensor_info* out_info);
ODIN_API odin_status odin_model_output_info(const odin_model* model, int32_t index,
                                            odin_tensor_info* out_info);

/* Just the name of input / output `index` into *out_name; same lifetime as
 * odin_tensor_info.name above. Errors: as odin_model_input_info. */
ODIN_API odin_status odin_model_input_name(const odin_model* model, int32_t index,
                                           const char** out_name);
ODIN_API odin_status odin_model_output_name(const odin_model* model, int32_t index,
                                            const char** out_name);

/* ---- Session options ---------------------------------------------------- */

/* Settings for odin_session_create. Defaults: the build's default backend
 * order, 1 thread, full precision, optimizations on, profiling off, 2 GiB
 * activation limit. */
typedef struct odin_session_options odin_session_options;

/* Creates an options object with the defaults into *out_options.
 * Errors: INVALID_ARGUMENT (out_options NULL), OUT_OF_MEMORY. */
ODIN_API odin_status odin_session_options_create(odin_session_options** out_options);
/* NULL is a no-op. */
ODIN_API void odin_session_options_release(odin_session_options* options);

/* Backend preference as a comma-separated list, most preferred first:
 * "vulkan,cpu". Each node runs on the first listed backend that supports it;
 * backends built in but unavailable at run time (no GPU) are skipped. NULL
 * or "" restores the default. The string is copied.
 * Errors: INVALID_ARGUMENT (options NULL), NOT_FOUND (a name this build does
 * not have; the message lists the ones it has). */
ODIN_API odin_status odin_session_options_set_backends(odin_session_options* options,
                                                       const char* backends);
/* Worker threads per session, 1 to 256.
 * Errors: INVALID_ARGUMENT (options NULL), OUT_OF_RANGE (num_threads). */
ODIN_API odin_status odin_session_options_set_num_threads(odin_session_options* options,
                                                          int32_t num_threads);
/* Nonzero lets backends use fp16 storage/arithmetic (faster, less exact).
 * Errors: INVALID_ARGUMENT (options NULL). */
ODIN_API odin_status odin_session_options_set_allow_reduced_precision(odin_session_options* options,
                                                                      int32_t allow);
/* Nonzero records per-node times on each run (odin_session_profile_*).
 * Errors: INVALID_ARGUMENT (options NULL). */
ODIN_API odin_status odin_session_options_set_profiling(odin_session_options* options,
                                                        int32_t enable);
/* Nonzero (the default) runs graph optimizations (fusion, folding) and
 * optimized kernels; zero runs the imported graph on the reference kernels,
 * slower but the numerical oracle.
 * Errors: INVALID_ARGUMENT (options NULL). */
ODIN_API odin_status odin_session_options_set_optimize(odin_session_options* options,
                                                       int32_t enable);
/* Session creation and resize fail with OUT_OF_RANGE when the model's
 * activations need more than `max_bytes` (guards against hostile models).
 * Errors: INVALID_ARGUMENT (options NULL or max_bytes 0). */
ODIN_API odin_status odin_session_options_set_max_arena_bytes(odin_session_options* options,
                                                              size_t max_bytes);

/* ---- Sessions ----------------------------------------------------------- */

/* One runnable instance of a model: its own activation memory, inputs and
 * outputs. Used by one thread at a time. */
typedef struct odin_session odin_session;

/* Creates a session for `model` into *out_session. `options` may be NULL for
 * the defaults; it is copied. The session holds its own reference to the
 * model's data, so the model may be released first.
 * Errors: INVALID_ARGUMENT (model or out_session NULL), UNSUPPORTED (no
 * requested backend available, or a node none can run), OUT_OF_RANGE
 * (activations over the arena limit), OUT_OF_MEMORY. */
ODIN_API odin_status odin_session_create(const odin_model* model,
                                         const odin_session_options* options,
                                         odin_session** out_session);
/* NULL is a no-op. Invalidates every pointer the session handed out. */
ODIN_API void odin_session_release(odin_session* session);

ODIN_API odin_status odin_session_input_count(const odin_session* session, int32_t* out_count);
ODIN_API odin_status odin_session_output_count(const odin_session* session, int32_t* out_count);

/* Input / output `index` with the session's current shapes (after any
 * resize; outputs are fully known once every input shape is). info->name
 * stays valid until the session is released.
 * Errors: INVALID_ARGUMENT (NULL session or out_info), OUT_OF_RANGE (index),
 * UNSUPPORTED (rank above ODIN_MAX_RANK). */
ODIN_API odin_status odin_session_input_info(const odin_session* session, int32_t index,
                                             odin_tensor_info* out_info);
ODIN_API odin_status odin_session_output_info(const odin_session* session, int32_t index,
                                              odin_tensor_info* out_info);

/* Sets input `index` to shape dims[0..rank); output shapes are re-inferred
 * and memory re-planned. Every input must be set again afterwards, and
 * pointers from odin_session_get_output become invalid.
 * Errors: INVALID_ARGUMENT (session NULL, dims NULL with rank > 0, a
 * negative dim, a shape the model rejects), OUT_OF_RANGE (index, rank
 * outside 0..ODIN_MAX_RANK, too many elements, arena over the limit).
 * After a failure reported by the model's shape checks the new shape is
 * kept but the session is unusable (FAILED_PRECONDITION) until a resize
 * succeeds. So when several inputs must change together, an intermediate
 * resize may fail with INVALID_ARGUMENT ("do not broadcast") and the last
 * one, making all shapes consistent, succeeds. */
ODIN_API odin_status odin_session_resize_input(odin_session* session, int32_t index, int32_t rank,
                                               const int64_t* dims);

/* Copies input `index` from `size_bytes` bytes at `data`. `dtype` must be
 * the input's dtype and size_bytes its element count times the dtype's size
 * (see odin_session_input_info). The data may be freed after the call.
 * Errors: INVALID_ARGUMENT (session or data NULL, wrong dtype, wrong size),
 * OUT_OF_RANGE (index), FAILED_PRECONDITION (after a failed resize). */
ODIN_API odin_status odin_session_set_input(odin_session* session, int32_t index, odin_dtype dtype,
                                            const void* data, size_t size_bytes);

/* Runs the model on the inputs set. Inputs keep their values, so a second
 * run without new inputs gives the same outputs.
 * Errors: INVALID_ARGUMENT (session NULL), FAILED_PRECONDITION (an input
 * not set since creation or the last resize), others from the backends. */
ODIN_API odin_status odin_session_run(odin_session* session);

/* Points *out_data at output `index` of the last run and sets *out_size to
 * its size in bytes. The memory belongs to the session: valid until the
 * next odin_session_run, odin_session_resize_input or
 * odin_session_release on it. Read-only.
 * Errors: INVALID_ARGUMENT (a NULL argument), OUT_OF_RANGE (index),
 * FAILED_PRECONDITION (no successful run since creation or resize). */
ODIN_API odin_status odin_session_get_output(const odin_session* session, int32_t index,
                                             const void** out_data, size_t* out_size);

/* Copies output `index` of the last run into `dst`, which must hold exactly
 * `dst_size` bytes, the output's size.
 * Errors: as odin_session_get_output, plus INVALID_ARGUMENT when dst_size
 * differs from the output's size (the message says the size needed). */
ODIN_API odin_status odin_session_copy_output(const odin_session* session, int32_t index, void* dst,
                                              size_t dst_size);

/* ---- Profiling ---------------------------------------------------------- */

typedef struct odin_profile_entry {
  int32_t node_index;  /* position in the session's execution order */
  const char* op;      /* operator name, "CONV_2D" */
  const char* name;    /* the node's name in the model (may be "") */
  const char* backend; /* backend that ran it, "cpu" */
  double time_ms;      /* wall time in the last run */
} odin_profile_entry;

/* Number of per-node entries of the last run into *out_count: 0 when
 * profiling is off (odin_session_options_set_profiling) or before the first
 * run. Errors: INVALID_ARGUMENT (a NULL argument). */
ODIN_API odin_status odin_session_profile_count(const odin_session* session, int32_t* out_count);
/* Fills *out_entry with entry `index` (0 <= index < count). Its strings stay
 * valid until the session is released.
 * Errors: INVALID_ARGUMENT (a NULL argument), OUT_OF_RANGE (index). */
ODIN_API odin_status odin_session_profile_entry(const odin_session* session, int32_t index,
                                                odin_profile_entry* out_entry);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ODIN_ODIN_H_ */
