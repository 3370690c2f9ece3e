/* The LLM C API: loading, tokenization, contexts, greedy generation against
 * llama.cpp's ids, streaming text, keeping a prefix, and bad arguments.
 * ODIN_TEST_LLM_MODEL is the llama-q8_0 test model a CTest fixture writes
 * (odin_write_test_llm); the other files are committed under tests/data. */
#include <threads.h>

#include "check.h"

#define STORIES "data/llm/stories260K.bin"
#define SPM_VOCAB "data/vocab/ggml-vocab-llama-spm.gguf"

/* llama.cpp's greedy ids on stories260K from BOS
 * (data/llm/golden/stories260K-F32-llamacpp.greedy64.txt). */
static const int32_t kStoriesIds[16] = {461, 461, 401, 401, 401, 461, 378, 455,
                                        473, 456, 435, 299, 362, 409, 283, 264};
/* llama.cpp on the llama-q8_0 test model (data/llm/golden/llama-q8_0.greedy64.txt):
 * its prompt, "Once upon a time, there was a little" with BOS, and the
 * greedy ids before the first near tie (step 26). */
static const int32_t kQ8Prompt[10] = {1, 9038, 2501, 263, 931, 29892, 727, 471, 263, 2217};
static const int32_t kQ8Ids[20] = {11213, 1473, 1473, 1473, 1473, 1473, 1473, 1473,  1473, 1473,
                                   1473,  1473, 1473, 1473, 1473, 1473, 1473, 28369, 1473, 28369};

/* What the generation callback saw. */
typedef struct {
  int32_t ids[256];
  int32_t count;
  int32_t stop_after; /* return 0 on this call (1-based); 0: never */
  char text[4096];
  size_t text_size;
  int bad_piece; /* a piece that was not whole UTF-8 or not NUL-terminated */
} Collected;

/* Whether s[0..n) is whole, well-formed UTF-8 (no sequence cut short). */
static int whole_utf8(const char* s, size_t n) {
  size_t i = 0;
  while (i < n) {
    const unsigned char c = (unsigned char)s[i];
    const size_t len = c < 0x80         ? 1
                       : (c >> 5) == 6  ? 2
                       : (c >> 4) == 14 ? 3
                       : (c >> 3) == 30 ? 4
                                        : 0;
    if (len == 0 || i + len > n) return 0;
    for (size_t k = 1; k < len; ++k)
      if (((unsigned char)s[i + k] & 0xC0) != 0x80) return 0;
    i += len;
  }
  return 1;
}

static int32_t collect(int32_t token, const char* piece, size_t piece_size, void* user_data) {
  Collected* c = (Collected*)user_data;
  CHECK(c->count < 256);
  c->ids[c->count++] = token;
  if (piece == NULL || piece[piece_size] != '\0' || !whole_utf8(piece, piece_size))
    c->bad_piece = 1;
  CHECK(c->text_size + piece_size < sizeof c->text);
  memcpy(c->text + c->text_size, piece, piece_size);
  c->text_size += piece_size;
  c->text[c->text_size] = '\0';
  return c->stop_after == 0 || c->count < c->stop_after;
}

static odin_llm_generate_params greedy(int32_t max_tokens) {
  odin_llm_generate_params p;
  CHECK_OK(odin_llm_generate_params_init(&p));
  p.temperature = 0.0f;
  p.max_tokens = max_tokens;
  return p;
}

static odin_llm_stats new_stats(void) {
  odin_llm_stats s;
  memset(&s, 0, sizeof s);
  s.struct_size = (uint32_t)sizeof s;
  return s;
}

static int32_t position(const odin_llm_context* ctx) {
  int32_t pos = -1;
  CHECK_OK(odin_llm_position(ctx, &pos));
  return pos;
}

static odin_llm_model* load_stories(int32_t n_ctx) {
  char path[512];
  odin_llm_options o;
  CHECK_OK(odin_llm_options_init(&o));
  o.n_ctx = n_ctx;
  odin_llm_model* m = NULL;
  CHECK_OK(odin_llm_model_load(test_data(STORIES, path, sizeof path), &o, &m));
  return m;
}

static void test_options(void) {
  char path[512];
  test_data(STORIES, path, sizeof path);
  odin_llm_model* m = NULL;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_options_init(NULL));
  odin_llm_options o;
  CHECK_OK(odin_llm_options_init(&o));
  CHECK(o.struct_size == sizeof o && o.n_ctx == 0 && o.n_batch == 512 && o.n_threads == 1);
  CHECK(o.kv_dtype == ODIN_DTYPE_FLOAT16 && o.vocab_only == 0);

  /* Wrong struct_size (an uninitialized struct), wrong values. */
  odin_llm_options bad = o;
  bad.struct_size = 0;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_load(path, &bad, &m));
  CHECK(strstr(odin_last_error(), "struct_size") != NULL);
  bad = o;
  bad.kv_dtype = ODIN_DTYPE_INT8;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_load(path, &bad, &m));
  CHECK(strstr(odin_last_error(), "kv_dtype") != NULL);
  bad = o;
  bad.kv_dtype = ODIN_DTYPE_Q8_0; /* stories260K's heads are 8 wide: not one block of 32 */
  CHECK_STATUS(ODIN_ERROR_UNSUPPORTED, odin_llm_model_load(path, &bad, &m));
  CHECK(strstr(odin_last_error(), "head_dim a multiple of 32") != NULL);
  bad = o;
  bad.n_batch = 0;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_load(path, &bad, &m));
  bad = o;
  bad.n_ctx = -1;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_load(path, &bad, &m));
  bad = o;
  bad.n_threads = 1000;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_load(path, &bad, &m));
  CHECK(m == NULL);

  /* A newer header's larger struct: accepted while its new fields are zero. */
  struct {
    odin_llm_options v1;
    int64_t newer_field;
  } newer;
  memset(&newer, 0, sizeof newer);
  newer.v1 = o;
  newer.v1.struct_size = (uint32_t)sizeof newer;
  CHECK_OK(odin_llm_model_load(path, &newer.v1, &m));
  odin_llm_model_release(m);
  m = NULL;
  newer.newer_field = 7;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_load(path, &newer.v1, &m));
  CHECK(m == NULL);

  /* NULL options: the defaults. */
  CHECK_OK(odin_llm_model_load(path, NULL, &m));
  odin_llm_model_release(m);
}

static void test_load_errors(void) {
  char path[512];
  odin_llm_model* m = NULL;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_load(NULL, NULL, &m));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_llm_model_load(test_data(STORIES, path, sizeof path), NULL, NULL));
  CHECK_STATUS(ODIN_ERROR_NOT_FOUND, odin_llm_model_load("/nonexistent/model.gguf", NULL, &m));
  /* A vocabulary-only GGUF has no weights to run. */
  CHECK_STATUS(ODIN_ERROR_INVALID_MODEL,
               odin_llm_model_load(test_data(SPM_VOCAB, path, sizeof path), NULL, &m));
  CHECK(m == NULL && strstr(odin_last_error(), "no weights") != NULL);
  /* vocab_only on a file without vocabulary. */
  odin_llm_options o;
  CHECK_OK(odin_llm_options_init(&o));
  o.vocab_only = 1;
  CHECK_STATUS(ODIN_ERROR_UNSUPPORTED,
               odin_llm_model_load(test_data(STORIES, path, sizeof path), &o, &m));
  CHECK(m == NULL);
  odin_llm_model_release(NULL);
  odin_llm_context_release(NULL);
}

static void test_queries(const odin_llm_model* m) {
  int32_t v = 0;
  CHECK_OK(odin_llm_model_n_vocab(m, &v));
  CHECK(v == 512);
  CHECK_OK(odin_llm_model_n_ctx(m, &v));
  CHECK(v == 512); /* stories260K's training context */
  CHECK_OK(odin_llm_model_bos(m, &v));
  CHECK(v == ODIN_LLM_NO_TOKEN); /* llama2.c files carry no vocabulary */
  CHECK_OK(odin_llm_model_eos(m, &v));
  CHECK(v == ODIN_LLM_NO_TOKEN);
  const char* arch = NULL;
  CHECK_OK(odin_llm_model_architecture(m, &arch));
  CHECK(strcmp(arch, "llama") == 0);

  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_n_vocab(NULL, &v));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_n_vocab(m, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_n_ctx(NULL, &v));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_bos(NULL, &v));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_eos(m, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_architecture(m, NULL));

  /* No vocabulary: a clear error, not a crash. */
  int32_t ids[8], n = -1;
  CHECK_STATUS(ODIN_ERROR_UNSUPPORTED, odin_llm_tokenize(m, "hi", 2, 1, ids, 8, &n));
  CHECK(strstr(odin_last_error(), "vocabulary") != NULL);
  char text[8];
  size_t size = 0;
  const int32_t one = 1;
  CHECK_STATUS(ODIN_ERROR_UNSUPPORTED, odin_llm_detokenize(m, &one, 1, text, sizeof text, &size));
}

/* 16 greedy tokens after BOS into *c, checked against llama.cpp's ids. */
static odin_llm_stats greedy_from_bos(odin_llm_context* ctx, Collected* c) {
  const int32_t bos = 1;
  odin_llm_generate_params p = greedy(16);
  odin_llm_stats st = new_stats();
  memset(c, 0, sizeof *c);
  CHECK_OK(odin_llm_generate(ctx, &bos, 1, &p, collect, c, &st));
  CHECK(c->count == 16);
  for (int i = 0; i < 16; ++i) CHECK(c->ids[i] == kStoriesIds[i]);
  return st;
}

static void test_greedy(const odin_llm_model* m) {
  odin_llm_context* ctx = NULL;
  CHECK_OK(odin_llm_context_create(m, &ctx));
  CHECK(position(ctx) == 0);
  Collected c;
  odin_llm_stats st = greedy_from_bos(ctx, &c);
  const int32_t bos = 1;
  odin_llm_generate_params p = greedy(16);
  CHECK(!c.bad_piece && c.text_size == 0); /* no vocabulary: empty pieces */
  CHECK(st.prompt_tokens == 1 && st.generated_tokens == 16);
  CHECK(st.stop_reason == ODIN_LLM_STOP_MAX_TOKENS);
  CHECK(st.prompt_ms >= 0 && st.generate_ms >= 0);
  CHECK(position(ctx) == 16); /* the last generated token is not evaluated */

  /* The callback stops generation by returning 0. */
  CHECK_OK(odin_llm_reset(ctx));
  CHECK(position(ctx) == 0);
  memset(&c, 0, sizeof c);
  c.stop_after = 5;
  st = new_stats();
  CHECK_OK(odin_llm_generate(ctx, &bos, 1, &p, collect, &c, &st));
  CHECK(c.count == 5 && st.generated_tokens == 5 && st.stop_reason == ODIN_LLM_STOP_CALLBACK);
  for (int i = 0; i < 5; ++i) CHECK(c.ids[i] == kStoriesIds[i]);
  CHECK(position(ctx) == 5);

  /* Keeping the prefix: truncated to BOS, the first answer's first token
   * continues it exactly as before. */
  CHECK_OK(odin_llm_truncate(ctx, 1));
  CHECK(position(ctx) == 1);
  memset(&c, 0, sizeof c);
  p.max_tokens = 15;
  CHECK_OK(odin_llm_generate(ctx, &kStoriesIds[0], 1, &p, collect, &c, NULL));
  CHECK(c.count == 15);
  for (int i = 0; i < 15; ++i) CHECK(c.ids[i] == kStoriesIds[i + 1]);
  /* Truncated to nothing, the same prompt gives the same ids again. */
  CHECK_OK(odin_llm_truncate(ctx, 0));
  memset(&c, 0, sizeof c);
  p.max_tokens = 16;
  CHECK_OK(odin_llm_generate(ctx, &bos, 1, &p, collect, &c, NULL));
  CHECK(c.count == 16);
  for (int i = 0; i < 16; ++i) CHECK(c.ids[i] == kStoriesIds[i]);
  /* NULL params and callback: greedy defaults, ids not delivered. */
  CHECK_OK(odin_llm_reset(ctx));
  st = new_stats();
  CHECK_OK(odin_llm_generate(ctx, &bos, 1, NULL, NULL, NULL, &st));
  CHECK(st.generated_tokens == 128 && st.stop_reason == ODIN_LLM_STOP_MAX_TOKENS);

  /* Sampling with a seed repeats. */
  odin_llm_generate_params sp = greedy(12);
  sp.temperature = 1.0f;
  sp.seed = 42;
  Collected a, b;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  CHECK_OK(odin_llm_reset(ctx));
  CHECK_OK(odin_llm_generate(ctx, &bos, 1, &sp, collect, &a, NULL));
  CHECK_OK(odin_llm_reset(ctx));
  CHECK_OK(odin_llm_generate(ctx, &bos, 1, &sp, collect, &b, NULL));
  CHECK(a.count == 12 && b.count == 12 && memcmp(a.ids, b.ids, sizeof a.ids) == 0);

  /* eval: the logits after BOS pick llama.cpp's first id. */
  CHECK_OK(odin_llm_reset(ctx));
  float logits[512];
  CHECK_OK(odin_llm_eval(ctx, &bos, 1, logits, 512));
  int32_t best = 0;
  for (int32_t i = 1; i < 512; ++i)
    if (logits[i] > logits[best]) best = i;
  CHECK(best == kStoriesIds[0]);
  CHECK_OK(odin_llm_eval(ctx, kStoriesIds, 3, NULL, 0));
  CHECK(position(ctx) == 4);
  odin_llm_context_release(ctx);
}

/* The prompt in runs of ubatch tokens: llama.cpp's greedy ids for every
 * run length, as for the prompt in one run; a caller built against the
 * first odin_llm_generate_params (no ubatch) gets one run; bad values are
 * refused, naming the field, and evaluate nothing. */
static void test_ubatch(const odin_llm_model* m) {
  odin_llm_context* ctx = NULL;
  CHECK_OK(odin_llm_context_create(m, &ctx));
  /* BOS and llama.cpp's first 11 greedy ids: the next 4 follow. */
  int32_t prompt[12];
  prompt[0] = 1;
  memcpy(prompt + 1, kStoriesIds, 11 * sizeof(int32_t));
  odin_llm_generate_params p = greedy(4);
  CHECK(p.ubatch == 0 && p.reserved == 0);
  const int32_t ubatches[] = {0, 1, 3, 5, 12, 100};
  for (size_t u = 0; u < sizeof ubatches / sizeof ubatches[0]; ++u) {
    p.ubatch = ubatches[u];
    Collected c;
    memset(&c, 0, sizeof c);
    odin_llm_stats st = new_stats();
    CHECK_OK(odin_llm_reset(ctx));
    CHECK_OK(odin_llm_generate(ctx, prompt, 12, &p, collect, &c, &st));
    CHECK(c.count == 4 && st.prompt_tokens == 12 && position(ctx) == 15);
    for (int i = 0; i < 4; ++i) CHECK(c.ids[i] == kStoriesIds[11 + i]);
  }
  /* The first version's struct: what lies past it is not read. */
  odin_llm_generate_params v1 = greedy(4);
  v1.struct_size = (uint32_t)offsetof(odin_llm_generate_params, ubatch);
  v1.ubatch = -5;
  Collected c;
  memset(&c, 0, sizeof c);
  CHECK_OK(odin_llm_reset(ctx));
  CHECK_OK(odin_llm_generate(ctx, prompt, 12, &v1, collect, &c, NULL));
  CHECK(c.count == 4);
  for (int i = 0; i < 4; ++i) CHECK(c.ids[i] == kStoriesIds[11 + i]);
  /* Bad values: refused before anything is evaluated. */
  CHECK_OK(odin_llm_reset(ctx));
  odin_llm_generate_params bad = greedy(4);
  bad.ubatch = -1;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_llm_generate(ctx, prompt, 12, &bad, NULL, NULL, NULL));
  CHECK(strstr(odin_last_error(), "ubatch is negative (-1") != NULL);
  bad = greedy(4);
  bad.reserved = 1;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_llm_generate(ctx, prompt, 12, &bad, NULL, NULL, NULL));
  CHECK(strstr(odin_last_error(), "reserved") != NULL);
  CHECK(position(ctx) == 0);
  odin_llm_context_release(ctx);
}

/* Speculative decoding: stories260K drafted by itself (every tensor shared,
 * every guess kept) and by prompt lookup gives the target's greedy ids; a
 * caller built against the first odin_llm_options (no speculation fields)
 * still loads; bad drafts fail. */
static void test_speculative(void) {
  char path[512];
  test_data(STORIES, path, sizeof path);
  odin_llm_options o;
  CHECK_OK(odin_llm_options_init(&o));
  CHECK(o.draft_max == 4 && o.prompt_lookup == 0 && o.draft_path == NULL && o.max_memory == 0);
  for (int lookup = 0; lookup < 2; ++lookup) {
    odin_llm_options so = o;
    so.draft_path = lookup ? NULL : path;
    so.prompt_lookup = lookup;
    so.draft_max = 3;
    odin_llm_model* m = NULL;
    CHECK_OK(odin_llm_model_load(path, &so, &m));
    odin_llm_context* ctx = NULL;
    CHECK_OK(odin_llm_context_create(m, &ctx));
    Collected c;
    const odin_llm_stats st = greedy_from_bos(ctx, &c);
    CHECK(st.drafted_tokens > 0 && st.accepted_tokens > 0);
    if (!lookup) CHECK(st.accepted_tokens == st.drafted_tokens);
    CHECK(position(ctx) == 16);
    odin_llm_context_release(ctx);
    odin_llm_model_release(m);
  }
  /* The first version's struct: no speculation, stats of the first size. */
  odin_llm_options v1 = o;
  v1.struct_size = (uint32_t)offsetof(odin_llm_options, draft_max);
  odin_llm_model* m = NULL;
  CHECK_OK(odin_llm_model_load(path, &v1, &m));
  odin_llm_model_release(m);
  m = NULL;
  /* Bad drafts: a file without weights, a length out of range. */
  char vocab[512];
  odin_llm_options bad = o;
  bad.draft_path = test_data(SPM_VOCAB, vocab, sizeof vocab);
  CHECK(odin_llm_model_load(path, &bad, &m) != ODIN_OK && m == NULL);
  bad = o;
  bad.prompt_lookup = 1;
  bad.draft_max = 0;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_load(path, &bad, &m));
  CHECK(strstr(odin_last_error(), "draft_max") != NULL);
}

static void test_context_full(void) {
  odin_llm_model* m = load_stories(8);
  int32_t n_ctx = 0;
  CHECK_OK(odin_llm_model_n_ctx(m, &n_ctx));
  CHECK(n_ctx == 8);
  odin_llm_context* ctx = NULL;
  CHECK_OK(odin_llm_context_create(m, &ctx));
  odin_llm_model_release(m); /* the context keeps it alive */
  const int32_t ids[9] = {1, 461, 461, 401, 401, 401, 461, 378, 455};
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_llm_eval(ctx, ids, 9, NULL, 0));
  CHECK(strstr(odin_last_error(), "context full") != NULL);
  CHECK(position(ctx) == 0);
  CHECK_OK(odin_llm_eval(ctx, ids, 6, NULL, 0));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_llm_eval(ctx, ids, 3, NULL, 0));
  CHECK(position(ctx) == 6); /* a refused eval changes nothing */
  CHECK_OK(odin_llm_eval(ctx, ids, 2, NULL, 0));
  CHECK(position(ctx) == 8);
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_llm_eval(ctx, ids, 1, NULL, 0));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_llm_generate(ctx, ids, 1, NULL, NULL, NULL, NULL));
  CHECK(position(ctx) == 8);

  /* Generation that reaches the end of the context stops there, no error. */
  CHECK_OK(odin_llm_truncate(ctx, 0));
  odin_llm_generate_params p = greedy(16);
  odin_llm_stats st = new_stats();
  Collected c;
  memset(&c, 0, sizeof c);
  CHECK_OK(odin_llm_generate(ctx, ids, 1, &p, collect, &c, &st));
  CHECK(st.stop_reason == ODIN_LLM_STOP_CONTEXT_FULL);
  CHECK(st.generated_tokens == 8 && c.count == 8); /* 7 evaluated after BOS, one more */
  for (int i = 0; i < 8; ++i) CHECK(c.ids[i] == kStoriesIds[i]);
  CHECK(position(ctx) == 8);
  odin_llm_context_release(ctx);
}

static void test_bad_arguments(const odin_llm_model* m) {
  odin_llm_context* ctx = NULL;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_context_create(NULL, &ctx));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_context_create(m, NULL));
  CHECK_OK(odin_llm_context_create(m, &ctx));
  const int32_t bos = 1, ids[2] = {1, 512}, negative = -3;
  float logits[512];
  int32_t v = 0;
  /* eval */
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_eval(NULL, &bos, 1, NULL, 0));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_eval(ctx, NULL, 1, NULL, 0));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_eval(ctx, &bos, 0, NULL, 0));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_eval(ctx, &bos, -1, NULL, 0));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_eval(ctx, &bos, 1, logits, 511));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_eval(ctx, &bos, 1, NULL, 512));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_llm_eval(ctx, ids, 2, NULL, 0));
  CHECK(strstr(odin_last_error(), "512") != NULL);
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_llm_eval(ctx, &negative, 1, NULL, 0));
  CHECK(position(ctx) == 0);
  /* position, truncate, reset */
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_position(NULL, &v));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_position(ctx, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_truncate(NULL, 0));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_truncate(ctx, -1));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_llm_truncate(ctx, 1));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_reset(NULL));
  /* generate */
  odin_llm_generate_params p = greedy(4);
  odin_llm_stats st = new_stats();
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_generate_params_init(NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_generate(NULL, &bos, 1, &p, NULL, NULL, &st));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_generate(ctx, NULL, 1, &p, NULL, NULL, &st));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_generate(ctx, &bos, 0, &p, NULL, NULL, &st));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_generate(ctx, &bos, -2, &p, NULL, NULL, &st));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_llm_generate(ctx, ids, 2, &p, NULL, NULL, &st));
  odin_llm_generate_params bad = p;
  bad.temperature = -1.0f;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_generate(ctx, &bos, 1, &bad, NULL, NULL, &st));
  CHECK(strstr(odin_last_error(), "temperature") != NULL);
  bad = p;
  bad.top_p = 0.0f;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_generate(ctx, &bos, 1, &bad, NULL, NULL, &st));
  CHECK(strstr(odin_last_error(), "top_p 0 ") != NULL);
  bad = p;
  bad.top_k = -1;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_generate(ctx, &bos, 1, &bad, NULL, NULL, &st));
  CHECK(strstr(odin_last_error(), "top_k -1 ") != NULL);
  bad = p;
  bad.repeat_last_n = -1;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_generate(ctx, &bos, 1, &bad, NULL, NULL, &st));
  CHECK(strstr(odin_last_error(), "repeat_last_n -1 ") != NULL);
  bad = p;
  bad.max_tokens = -1;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_generate(ctx, &bos, 1, &bad, NULL, NULL, &st));
  bad = p;
  bad.struct_size = 3;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_generate(ctx, &bos, 1, &bad, NULL, NULL, &st));
  st.struct_size = 0;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_generate(ctx, &bos, 1, &p, NULL, NULL, &st));
  CHECK(strstr(odin_last_error(), "stats") != NULL);
  CHECK(position(ctx) == 0); /* nothing was evaluated */
  /* max_tokens 0: the prompt is evaluated, nothing generated. */
  st = new_stats();
  p.max_tokens = 0;
  CHECK_OK(odin_llm_generate(ctx, &bos, 1, &p, NULL, NULL, &st));
  CHECK(st.generated_tokens == 0 && st.prompt_tokens == 1 && position(ctx) == 1);
  odin_llm_context_release(ctx);
}

static void test_tokenize(void) {
  char path[512];
  odin_llm_options o;
  CHECK_OK(odin_llm_options_init(&o));
  o.vocab_only = 1;
  odin_llm_model* m = NULL;
  CHECK_OK(odin_llm_model_load(test_data(SPM_VOCAB, path, sizeof path), &o, &m));
  int32_t v = 0;
  CHECK_OK(odin_llm_model_n_vocab(m, &v));
  CHECK(v == 32000);
  CHECK_OK(odin_llm_model_n_ctx(m, &v));
  CHECK(v == 0);
  CHECK_OK(odin_llm_model_bos(m, &v));
  CHECK(v == 1);
  CHECK_OK(odin_llm_model_eos(m, &v));
  CHECK(v == 2);
  odin_llm_context* ctx = NULL;
  CHECK_STATUS(ODIN_ERROR_FAILED_PRECONDITION, odin_llm_context_create(m, &ctx));
  CHECK(ctx == NULL);

  const char* hello = "Hello world";
  int32_t ids[16], n = -1;
  CHECK_OK(odin_llm_tokenize(m, hello, strlen(hello), 1, ids, 16, &n));
  CHECK(n == 3 && ids[0] == 1 && ids[1] == 15043 && ids[2] == 3186);
  CHECK_OK(odin_llm_tokenize(m, hello, strlen(hello), 0, ids, 16, &n));
  CHECK(n == 2 && ids[0] == 15043 && ids[1] == 3186);
  /* Counting, then a buffer too small: the count needed, nothing written. */
  n = -1;
  CHECK_OK(odin_llm_tokenize(m, hello, strlen(hello), 1, NULL, 0, &n));
  CHECK(n == 3);
  ids[0] = ids[1] = -7;
  n = -1;
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_llm_tokenize(m, hello, strlen(hello), 1, ids, 2, &n));
  CHECK(n == 3 && ids[0] == -7 && ids[1] == -7);
  /* The empty text: just BOS, or nothing. */
  CHECK_OK(odin_llm_tokenize(m, NULL, 0, 1, ids, 16, &n));
  CHECK(n == 1 && ids[0] == 1);
  CHECK_OK(odin_llm_tokenize(m, "", 0, 0, ids, 16, &n));
  CHECK(n == 0);

  /* Detokenize round trips, multi-byte characters (byte fallback) included. */
  const char* texts[] = {"Hello world", " Hello  world ", "héllo wörld", "llama 🦙 ok", "a\nb"};
  for (size_t t = 0; t < sizeof texts / sizeof texts[0]; ++t) {
    int32_t tok[64];
    CHECK_OK(odin_llm_tokenize(m, texts[t], strlen(texts[t]), 1, tok, 64, &n));
    char text[128];
    size_t size = 0;
    CHECK_OK(odin_llm_detokenize(m, tok, n, text, sizeof text, &size));
    CHECK(size == strlen(texts[t]) && strcmp(text, texts[t]) == 0);
    size = 0;
    CHECK_OK(odin_llm_detokenize(m, tok, n, NULL, 0, &size));
    CHECK(size == strlen(texts[t]));
    /* Room for the text but not its NUL. */
    memset(text, 'x', sizeof text);
    CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE, odin_llm_detokenize(m, tok, n, text, size, &size));
    CHECK(size == strlen(texts[t]) && text[0] == 'x');
  }
  char text[16];
  size_t size = 99;
  CHECK_OK(odin_llm_detokenize(m, NULL, 0, text, sizeof text, &size));
  CHECK(size == 0 && text[0] == '\0');

  /* Bad arguments. */
  const int32_t bad_ids[2] = {15043, 32000}, negative = -1;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_tokenize(NULL, hello, 5, 1, ids, 16, &n));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_tokenize(m, NULL, 5, 1, ids, 16, &n));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_tokenize(m, hello, 5, 1, NULL, 16, &n));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_tokenize(m, hello, 5, 1, ids, -1, &n));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_tokenize(m, hello, 5, 1, ids, 16, NULL));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_llm_detokenize(NULL, bad_ids, 1, text, sizeof text, &size));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_llm_detokenize(m, NULL, 1, text, sizeof text, &size));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_llm_detokenize(m, bad_ids, -1, text, sizeof text, &size));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_detokenize(m, bad_ids, 1, NULL, 4, &size));
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT,
               odin_llm_detokenize(m, bad_ids, 1, text, sizeof text, NULL));
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE,
               odin_llm_detokenize(m, bad_ids, 2, text, sizeof text, &size));
  CHECK(strstr(odin_last_error(), "32000") != NULL);
  CHECK_STATUS(ODIN_ERROR_OUT_OF_RANGE,
               odin_llm_detokenize(m, &negative, 1, text, sizeof text, &size));
  odin_llm_model_release(m);
}

/* A model with a vocabulary: tokenizing the golden's prompt, greedy ids as
 * llama.cpp's, and streamed pieces that add up to the text. */
static odin_llm_model* g_q8;

static void generate_q8(const odin_llm_model* m, Collected* c) {
  odin_llm_context* ctx = NULL;
  CHECK_OK(odin_llm_context_create(m, &ctx));
  odin_llm_generate_params p = greedy(20);
  CHECK_OK(odin_llm_generate(ctx, kQ8Prompt, 10, &p, collect, c, NULL));
  odin_llm_context_release(ctx);
}

static int q8_worker(void* arg) {
  Collected* c = (Collected*)arg;
  generate_q8(g_q8, c);
  return 0;
}

static void test_streaming(void) {
  odin_llm_options o;
  CHECK_OK(odin_llm_options_init(&o));
  o.n_ctx = 64;
  odin_llm_model* m = NULL;
  CHECK_OK(odin_llm_model_load(ODIN_TEST_LLM_MODEL, &o, &m));
  const char* arch = NULL;
  CHECK_OK(odin_llm_model_architecture(m, &arch));
  CHECK(strcmp(arch, "llama") == 0);
  const char* prompt = "Once upon a time, there was a little";
  int32_t ids[32], n = 0;
  CHECK_OK(odin_llm_tokenize(m, prompt, strlen(prompt), 1, ids, 32, &n));
  CHECK(n == 10 && memcmp(ids, kQ8Prompt, sizeof kQ8Prompt) == 0);

  Collected c;
  memset(&c, 0, sizeof c);
  generate_q8(m, &c);
  CHECK(c.count == 20 && !c.bad_piece);
  for (int i = 0; i < 20; ++i) CHECK(c.ids[i] == kQ8Ids[i]);
  /* The pieces are the text the ids add after the prompt's. */
  int32_t all[30];
  memcpy(all, kQ8Prompt, sizeof kQ8Prompt);
  memcpy(all + 10, c.ids, 20 * sizeof(int32_t));
  char whole[4096], head[256];
  size_t whole_size = 0, head_size = 0;
  CHECK_OK(odin_llm_detokenize(m, all, 30, whole, sizeof whole, &whole_size));
  CHECK_OK(odin_llm_detokenize(m, kQ8Prompt, 10, head, sizeof head, &head_size));
  CHECK(strcmp(head, prompt) == 0);
  CHECK(whole_size == head_size + c.text_size && strcmp(whole + head_size, c.text) == 0);
  printf("streamed: \"%s\"\n", c.text);

  /* Two contexts of one model on two threads at once. */
  g_q8 = m;
  Collected tc[2];
  thrd_t t[2];
  memset(tc, 0, sizeof tc);
  for (int i = 0; i < 2; ++i) CHECK(thrd_create(&t[i], q8_worker, &tc[i]) == thrd_success);
  for (int i = 0; i < 2; ++i) CHECK(thrd_join(t[i], NULL) == thrd_success);
  for (int i = 0; i < 2; ++i)
    CHECK(tc[i].count == 20 && memcmp(tc[i].ids, c.ids, sizeof c.ids) == 0 &&
          strcmp(tc[i].text, c.text) == 0);
  odin_llm_model_release(m);
}

/* backends: a split of each step between Vulkan and the CPU ("vulkan+cpu")
 * gives llama.cpp's greedy ids; its share measured at load or given; bad
 * values refused. */
static void test_backends(void) {
  odin_llm_options o;
  CHECK_OK(odin_llm_options_init(&o));
  CHECK(o.backends == NULL && o.device_share == -1.0);
  o.n_ctx = 64;
  odin_llm_model* m = NULL;
  odin_llm_options bad = o;
  bad.backends = "vulkan+cpu";
  bad.device_share = 2.0;
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_load(ODIN_TEST_LLM_MODEL, &bad, &m));
  CHECK(strstr(odin_last_error(), "device_share") != NULL);
  bad = o;
  bad.backends = ",";
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_load(ODIN_TEST_LLM_MODEL, &bad, &m));
  bad = o;
  bad.backends = "cpu,nosuch"; /* refused where it is given */
  CHECK_STATUS(ODIN_ERROR_INVALID_ARGUMENT, odin_llm_model_load(ODIN_TEST_LLM_MODEL, &bad, &m));
  CHECK(m == NULL);
  CHECK(strstr(odin_last_error(), "backends \"cpu,nosuch\": unknown backend 'nosuch'") != NULL);

  o.backends = "vulkan+cpu"; /* the share measured at load */
  odin_status s = odin_llm_model_load(ODIN_TEST_LLM_MODEL, &o, &m);
  if (s == ODIN_ERROR_UNSUPPORTED && strstr(odin_last_error(), "vulkan") != NULL) {
    printf("backends: skipped: no device (%s)\n", odin_last_error());
    return;
  }
  CHECK_OK(s);
  odin_llm_model_release(m);
  o.device_share = 0.5; /* both backends get heads and rows */
  CHECK_OK(odin_llm_model_load(ODIN_TEST_LLM_MODEL, &o, &m));
  Collected c;
  memset(&c, 0, sizeof c);
  generate_q8(m, &c);
  CHECK(c.count == 20);
  for (int i = 0; i < 20; ++i) CHECK(c.ids[i] == kQ8Ids[i]);
  odin_llm_model_release(m);
}

int main(void) {
  test_options();
  test_load_errors();
  odin_llm_model* m = load_stories(0);
  test_queries(m);
  test_greedy(m);
  test_ubatch(m);
  test_bad_arguments(m);
  odin_llm_model_release(m);
  test_context_full();
  test_speculative();
  test_tokenize();
  test_streaming();
  test_backends();
  printf("capi_llm: ok\n");
  return 0;
}
