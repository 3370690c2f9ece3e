/*
 * odin.h: the C API of the odin inference runtime, and its only stable ABI.
 *
 * C99. Opaque handles, no C++ types, no exceptions cross it. Every function
 * that can fail returns an odin_status; on failure the out-arguments are left
 * untouched (except the size needed, from odin_llm_tokenize and
 * odin_llm_detokenize) and odin_last_error() holds a message saying what
 * failed.
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
  ODIN_DTYPE_BOOL = 8, /* one byte per element, 0 or 1 */
  ODIN_DTYPE_Q8_0 = 9  /* blocks of 32 int8 values with one float16 scale (34
                          bytes); only a KV cache type (odin_llm_options) */
} odin_dtype;

/* Bytes per element of `dtype`; 0 for ODIN_DTYPE_UNKNOWN, unknown values and
 * block formats (ODIN_DTYPE_Q8_0). */
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
 * "vulkan,cpu" or "opencl,cpu". Each node runs on the first listed backend
 * that supports it; backends built in but unavailable at run time (no GPU)
 * are skipped. NULL or "" restores the default. The string is copied.
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
/* Nonzero makes int8 layers requantize with TFLite's reference fixed-point
 * arithmetic, bit for bit (slower). Zero (the default): in float32 as
 * XNNPACK, TFLite's default CPU path, so a few elements per layer land one
 * int8 step from that reference.
 * Errors: INVALID_ARGUMENT (options NULL). */
ODIN_API odin_status odin_session_options_set_exact_int8(odin_session_options* options,
                                                         int32_t exact);
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
/* Block-wise weight loading: at most about `max_bytes` of weights resident at
 * once. Each run loads the weights of one block of nodes after another and
 * frees them, so a model larger than the budget runs (slower: every run packs
 * its weights again). 0 (the default): every weight stays resident.
 * Errors: INVALID_ARGUMENT (options NULL). */
ODIN_API odin_status odin_session_options_set_max_weight_bytes(odin_session_options* options,
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

/* ---- LLMs --------------------------------------------------------------- */

/* Large language models: GGUF files (llama, qwen2, qwen3; F32, F16, BF16,
 * Q8_0, Q4_0, Q4_K, Q6_K) and llama2.c checkpoints.
 *
 *   odin_llm_options opts;
 *   odin_llm_options_init(&opts);
 *   opts.n_threads = 4;
 *   odin_llm_model* model = NULL;
 *   odin_llm_context* ctx = NULL;
 *   int32_t ids[512], n = 0;
 *   if (odin_llm_model_load("model.gguf", &opts, &model) != ODIN_OK ||
 *       odin_llm_tokenize(model, text, strlen(text), 1, ids, 512, &n) != ODIN_OK ||
 *       odin_llm_context_create(model, &ctx) != ODIN_OK) { ...odin_last_error()... }
 *   odin_llm_generate_params params;
 *   odin_llm_generate_params_init(&params);
 *   params.temperature = 0.8f;
 *   odin_llm_generate(ctx, ids, n, &params, print_piece, NULL, NULL);
 *   odin_llm_context_release(ctx);
 *   odin_llm_model_release(model);
 *
 * Thread safety: as for models and sessions. An odin_llm_model is immutable:
 * any number of threads may query it, tokenize, detokenize and create
 * contexts from it at once. An odin_llm_context is used by one thread at a
 * time; different contexts (of one model or not) may run concurrently.
 *
 * Token ids are int32_t in [0, n_vocab); others are ODIN_ERROR_OUT_OF_RANGE.
 * Counts are int32_t; a negative one is ODIN_ERROR_INVALID_ARGUMENT.
 *
 * Option and parameter structs start with struct_size, set by their init
 * function: a newer library reads an older struct (its missing fields keep
 * their defaults), and an older library accepts a newer one whose fields it
 * does not know are all zero. */

/* A loaded LLM: weights (memory-mapped), graph, vocabulary. Immutable. */
typedef struct odin_llm_model odin_llm_model;
/* A conversation over a model: the KV cache of the tokens so far. */
typedef struct odin_llm_context odin_llm_context;

/* An id no token has: odin_llm_model_bos/eos give it when there is none. */
#define ODIN_LLM_NO_TOKEN (-1)

typedef struct odin_llm_options {
  uint32_t struct_size; /* sizeof(odin_llm_options) */
  int32_t n_ctx;        /* KV cache rows, the most tokens a context holds; 0 (the
                           default): the model's training context, at most 4096 */
  int32_t n_batch;      /* most tokens one graph run takes (longer inputs run in
                           chunks); 1..65536, default 512 */
  int32_t n_threads;    /* CPU threads of each context, 1..256; 0: one per core;
                           default 1 */
  odin_dtype kv_dtype;  /* KV cache element type: ODIN_DTYPE_FLOAT16 (default),
                           ODIN_DTYPE_FLOAT32, or ODIN_DTYPE_Q8_0 (about half
                           float16's bytes; head_dim must be a multiple of 32) */
  int32_t vocab_only;   /* nonzero: load only the vocabulary (a GGUF file, even
                           a vocabulary-only one), for tokenize/detokenize; such
                           a model has no contexts. Default 0 */
  /* Speculative decoding (fields added after the first version; a caller
     built against the first one gets these defaults). Generation then
     checks up to draft_max guesses per run of the model; greedy output is
     the model's own, sampled output keeps its distribution. */
  int32_t draft_max;      /* most guesses per run, 1..64; default 4 */
  int32_t prompt_lookup;  /* nonzero: guess by prompt lookup (tokens that
                             followed the last n-gram before), also when
                             the draft does not fit max_memory. Default 0 */
  const char* draft_path; /* a draft model sharing the model's vocabulary
                             (its tensors equal to the model's are held
                             once); NULL (the default): none */
  uint64_t max_memory;    /* most bytes speculation may add (draft
                             weights, KV cache and activations, the
                             verification's logits): fewer guesses, a
                             smaller draft batch, then prompt lookup (if
                             asked) or none to fit; 0 (the default): no
                             limit */
  /* Where contexts run (fields added after speculative decoding). */
  const char* backends; /* a preference list, "vulkan,cpu" (nodes the first
                           declines run on the next), or a split "vulkan+cpu":
                           each step's attention heads and matrix rows divided
                           between the GPU and the CPU, run at once; NULL (the
                           default): "cpu". A name this build lacks fails the
                           load (INVALID_ARGUMENT) */
  double device_share;  /* a split's GPU share of heads and rows, 0..1; below
                           0 (the default, -1): measured when the model loads,
                           from a decode step on each backend alone */
} odin_llm_options;

/* Sets *options to the defaults, struct_size included.
 * Errors: INVALID_ARGUMENT (options NULL). */
ODIN_API odin_status odin_llm_options_init(odin_llm_options* options);

/* Loads the LLM at `path` (GGUF or llama2.c, told by its bytes) into
 * *out_model, released with odin_llm_model_release. `options` may be NULL
 * for the defaults. The file is memory-mapped and used in place.
 * Errors: INVALID_ARGUMENT (path or out_model NULL, struct_size or an
 * option's value wrong), NOT_FOUND (no such file), IO, INVALID_MODEL (not
 * an LLM, corrupt, or no weights: a vocabulary-only GGUF loads only with
 * vocab_only), UNSUPPORTED (an architecture or tensor type odin lacks; a
 * file without vocabulary loaded with vocab_only), OUT_OF_MEMORY. */
ODIN_API odin_status odin_llm_model_load(const char* path, const odin_llm_options* options,
                                         odin_llm_model** out_model);
/* Releases the caller's reference; contexts keep the model alive, so it may
 * be released first. NULL is a no-op. */
ODIN_API void odin_llm_model_release(odin_llm_model* model);

/* Vocabulary size (token ids are 0..n_vocab-1).
 * Errors (all queries): INVALID_ARGUMENT (a NULL argument). */
ODIN_API odin_status odin_llm_model_n_vocab(const odin_llm_model* model, int32_t* out_n_vocab);
/* Context length: the most tokens a context holds (0 for vocab_only). */
ODIN_API odin_status odin_llm_model_n_ctx(const odin_llm_model* model, int32_t* out_n_ctx);
/* The beginning / end of sequence token, ODIN_LLM_NO_TOKEN when the file
 * has no vocabulary (llama2.c checkpoints keep it apart) or names none. */
ODIN_API odin_status odin_llm_model_bos(const odin_llm_model* model, int32_t* out_token);
ODIN_API odin_status odin_llm_model_eos(const odin_llm_model* model, int32_t* out_token);
/* The architecture, "llama", "qwen2" or "qwen3" ("" for vocab_only). The string
 * lives as long as the model handle. */
ODIN_API odin_status odin_llm_model_architecture(const odin_llm_model* model,
                                                 const char** out_architecture);

/* Token ids of the `text_size` bytes at `text` (UTF-8; NULL when text_size
 * is 0). Nonzero `add_bos` puts BOS first when the vocabulary asks for it
 * (GGUF tokenizer.ggml.add_bos_token; SentencePiece vocabularies default to
 * yes, BPE ones to no). Special-token text ("<s>") is not parsed.
 * *out_count gets the number of ids. With tokens NULL and capacity 0 the
 * call only counts; otherwise `tokens` must hold `capacity` ids, and when
 * they are fewer than needed the call fails with OUT_OF_RANGE, writing no
 * id but still setting *out_count to the number needed.
 * Errors: INVALID_ARGUMENT (model or out_count NULL, text NULL with
 * text_size > 0, tokens NULL with capacity > 0, capacity < 0),
 * UNSUPPORTED (the model has no vocabulary), OUT_OF_RANGE (see above). */
ODIN_API odin_status odin_llm_tokenize(const odin_llm_model* model, const char* text,
                                       size_t text_size, int32_t add_bos, int32_t* tokens,
                                       int32_t capacity, int32_t* out_count);

/* The text of `n_tokens` ids at `tokens` (NULL when n_tokens is 0), written
 * to `text` with a terminating NUL; control tokens (BOS, EOS) give no text.
 * *out_size gets the text's size in bytes, without the NUL. With text NULL
 * and capacity 0 the call only measures; otherwise `text` must hold
 * `capacity` bytes, and when that is less than *out_size + 1 the call fails
 * with OUT_OF_RANGE, writing nothing but still setting *out_size.
 * Errors: INVALID_ARGUMENT (model or out_size NULL, tokens NULL with
 * n_tokens > 0, n_tokens < 0, text NULL with capacity > 0), UNSUPPORTED
 * (no vocabulary), OUT_OF_RANGE (an id outside the vocabulary; see above). */
ODIN_API odin_status odin_llm_detokenize(const odin_llm_model* model, const int32_t* tokens,
                                         int32_t n_tokens, char* text, size_t capacity,
                                         size_t* out_size);

/* Creates an empty context over `model` into *out_context (released with
 * odin_llm_context_release), running on the CPU with the model's n_threads.
 * It holds a reference to the model.
 * Errors: INVALID_ARGUMENT (a NULL argument), FAILED_PRECONDITION (the model
 * was loaded vocab_only), OUT_OF_RANGE (activations and KV cache over the
 * session arena limit), OUT_OF_MEMORY. */
ODIN_API odin_status odin_llm_context_create(const odin_llm_model* model,
                                             odin_llm_context** out_context);
/* NULL is a no-op. */
ODIN_API void odin_llm_context_release(odin_llm_context* context);

/* Appends `n_tokens` ids (at least one) to the context, at positions
 * position() onwards. When `logits` is not NULL it gets the n_vocab logits
 * that follow the last of them (`n_logits` must be n_vocab; pass NULL and 0
 * to skip). On failure the context is as it was.
 * Errors: INVALID_ARGUMENT (context or tokens NULL, n_tokens < 1, logits
 * NULL with n_logits > 0 or n_logits not n_vocab), OUT_OF_RANGE (an id
 * outside the vocabulary, or position() + n_tokens over n_ctx: the context
 * is full). */
ODIN_API odin_status odin_llm_eval(odin_llm_context* context, const int32_t* tokens,
                                   int32_t n_tokens, float* logits, int32_t n_logits);

/* The number of tokens the context holds.
 * Errors: INVALID_ARGUMENT (a NULL argument). */
ODIN_API odin_status odin_llm_position(const odin_llm_context* context, int32_t* out_position);

/* Keeps the first `n_keep` tokens (0..position()) and forgets the rest: the
 * next eval or generate continues after them, reusing their KV cache (a
 * shared system prompt, or regenerating an answer).
 * Errors: INVALID_ARGUMENT (context NULL, n_keep < 0), OUT_OF_RANGE
 * (n_keep > position()). */
ODIN_API odin_status odin_llm_truncate(odin_llm_context* context, int32_t n_keep);
/* Forgets every token: odin_llm_truncate(context, 0).
 * Errors: INVALID_ARGUMENT (context NULL). */
ODIN_API odin_status odin_llm_reset(odin_llm_context* context);

typedef struct odin_llm_generate_params {
  uint32_t struct_size;  /* sizeof(odin_llm_generate_params) */
  int32_t max_tokens;    /* the most tokens to generate, >= 0; default 128 */
  float temperature;     /* 0 (the default): greedy, the most likely token
                            (the lowest id on a tie); else sampling, 0..100 */
  int32_t top_k;         /* keep the k most likely; 0: all. Default 40 */
  float top_p;           /* keep the smallest set with this much probability,
                            (0, 1]; 1: off. Default 0.95 */
  float min_p;           /* drop tokens below min_p times the best one's
                            probability, 0..1; 0: off. Default 0.05 */
  float repeat_penalty;  /* > 1 makes recent tokens less likely, (0, 100];
                            1 (the default): off */
  int32_t repeat_last_n; /* how many recent tokens (this call's prompt
                            included) the penalty sees, >= 0; default 64 */
  int32_t stop_at_eos;   /* nonzero (the default): generation ends after the
                            model's EOS token (it is delivered) */
  uint64_t seed;         /* the sampler's seed: equal seeds repeat a run */
  /* Added after the first version (a caller built against it gets the
     default). */
  int32_t ubatch;   /* the prompt in runs of at most this many tokens, >= 0:
                       a long prompt then holds the model for shorter
                       spells (another context's decoding, on another
                       thread, waits less). The same ids and logits as one
                       run. 0 (the default): runs of n_batch */
  int32_t reserved; /* 0: keeps the struct free of padding, for a later field */
} odin_llm_generate_params;

/* Sets *params to the defaults, struct_size included.
 * Errors: INVALID_ARGUMENT (params NULL). */
ODIN_API odin_status odin_llm_generate_params_init(odin_llm_generate_params* params);

/* Why odin_llm_generate stopped. */
typedef enum odin_llm_stop_reason {
  ODIN_LLM_STOP_MAX_TOKENS = 0,  /* generated params->max_tokens */
  ODIN_LLM_STOP_EOS = 1,         /* generated EOS (stop_at_eos) */
  ODIN_LLM_STOP_CALLBACK = 2,    /* the callback returned 0 */
  ODIN_LLM_STOP_CONTEXT_FULL = 3 /* the context had no room for more */
} odin_llm_stop_reason;

typedef struct odin_llm_stats {
  uint32_t struct_size;     /* set by the caller: sizeof(odin_llm_stats) */
  int32_t prompt_tokens;    /* tokens evaluated before the first was generated */
  int32_t generated_tokens; /* tokens generated (and passed to the callback) */
  odin_llm_stop_reason stop_reason;
  double prompt_ms;   /* time evaluating the prompt */
  double generate_ms; /* time generating (sampling and evaluating) */
  /* Speculative decoding (added after the first version): guesses checked
     and kept; both 0 without speculation. */
  int32_t drafted_tokens;
  int32_t accepted_tokens;
} odin_llm_stats;

/* Called with each generated token, in order: its id, and the text it adds
 * as `piece_size` bytes at `piece` (NUL-terminated, valid only during the
 * call). Pieces are whole UTF-8 characters: a character split over tokens
 * comes with the token that completes it, so a piece may be "" (also for
 * control tokens, and for every token of a model without vocabulary). The
 * pieces together are the text of the generated ids, read after the
 * prompt. Return nonzero to go on, 0 to stop. */
typedef int32_t (*odin_llm_token_callback)(int32_t token, const char* piece, size_t piece_size,
                                           void* user_data);

/* Appends the `n_prompt` ids at `prompt` (at least one) to the context and
 * generates up to params->max_tokens tokens after them, calling `callback`
 * (may be NULL) with each. `params` may be NULL for the defaults (greedy).
 * When `stats` is not NULL (its struct_size set), it gets the counts and
 * times. Generation also ends, without error, when the context is full.
 *
 * The last generated token is not evaluated (nothing needed its logits):
 * afterwards position() is the old position + n_prompt + generated - 1, so
 * to continue the conversation pass that token first in the next prompt.
 * To generate again after the same prompt (another seed, say), truncate to
 * the old position + n_prompt - 1 and pass the prompt's last token.
 *
 * Errors: INVALID_ARGUMENT (context or prompt NULL, n_prompt < 1, a
 * parameter out of range, a wrong struct_size), OUT_OF_RANGE (a prompt id
 * outside the vocabulary, or a prompt that does not fit in the context),
 * and the errors of evaluation. After a failure the context is as it was
 * before the call (tokens already passed to the callback stay passed). */
ODIN_API odin_status odin_llm_generate(odin_llm_context* context, const int32_t* prompt,
                                       int32_t n_prompt, const odin_llm_generate_params* params,
                                       odin_llm_token_callback callback, void* user_data,
                                       odin_llm_stats* stats);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ODIN_ODIN_H_ */
