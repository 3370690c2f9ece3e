// LLM handles: loading, vocabulary queries, tokenization, contexts (eval,
// truncate) and generation with a streaming callback, over src/llm.
#include <algorithm>
#include <cstring>
#include <thread>

#include "capi/capi_internal.h"
#include "capi/llm_handles.h"
#include "llm/llm_context.h"
#include "llm/text_stream.h"

using odin::str_cat;
using odin::capi::fail;
using odin::capi::guard;

namespace {

constexpr int32_t kMaxThreads = 256;
// A struct_size above this is garbage (an uninitialized struct), not a
// newer header: refusing it keeps the zero check from reading wild memory.
constexpr size_t kMaxStructSize = 4096;

// The end of each struct's last field in its first version: the least
// struct_size accepted. Fixed forever: fields are only ever added after it.
constexpr size_t kOptionsV1End = offsetof(odin_llm_options, vocab_only) + sizeof(int32_t);
constexpr size_t kParamsV1End = offsetof(odin_llm_generate_params, seed) + sizeof(uint64_t);
constexpr size_t kStatsV1End = offsetof(odin_llm_stats, generate_ms) + sizeof(double);
// Fields added later (speculative decoding; the prompt's run length).
constexpr size_t kOptionsV2End = offsetof(odin_llm_options, max_memory) + sizeof(uint64_t);
constexpr size_t kParamsV2End = offsetof(odin_llm_generate_params, reserved) + sizeof(int32_t);
constexpr size_t kStatsV2End = offsetof(odin_llm_stats, accepted_tokens) + sizeof(int32_t);
// Added later still (backends, the CPU+GPU split).
constexpr size_t kOptionsV3End = offsetof(odin_llm_options, device_share) + sizeof(double);
// No trailing padding: a newer header's fields then start at or after this
// library's sizeof, where read_versioned looks for them. (Keep it so when
// fields are added.)
static_assert(sizeof(odin_llm_options) == kOptionsV3End && kOptionsV3End > kOptionsV2End);
static_assert(sizeof(odin_llm_generate_params) == kParamsV2End);
static_assert(sizeof(odin_llm_stats) == kStatsV2End);

// Copies the caller's versioned struct over `out` (holding the defaults):
// fields past the caller's struct_size keep their defaults; fields past
// this library's (a newer header's) must be zero, their default, or the
// caller asks for something this library cannot do.
template <typename T>
odin_status read_versioned(const char* fn, const char* what, const T& in, size_t v1_end, T* out) {
  const size_t size = in.struct_size;
  if (size < v1_end || size > kMaxStructSize)
    return fail(ODIN_ERROR_INVALID_ARGUMENT, fn,
                str_cat(what, "->struct_size is ", size, ", expected sizeof(", what,
                        ") = ", sizeof(T), " (set it with the struct's _init function)"));
  const auto* bytes = reinterpret_cast<const unsigned char*>(&in);
  for (size_t i = sizeof(T); i < size; ++i)
    if (bytes[i] != 0)
      return fail(ODIN_ERROR_INVALID_ARGUMENT, fn,
                  str_cat(what, " has fields this library (", ODIN_VERSION_STRING,
                          ") does not know set to nonzero values (byte ", i, ")"));
  std::memcpy(static_cast<void*>(out), &in, std::min(size, sizeof(T)));
  out->struct_size = static_cast<uint32_t>(sizeof(T));
  return ODIN_OK;
}

odin_llm_options default_options() {
  odin_llm_options o{};
  o.struct_size = static_cast<uint32_t>(sizeof(o));
  o.n_ctx = 0;
  o.n_batch = static_cast<int32_t>(odin::LlmGraphOptions{}.max_batch);
  o.n_threads = 1;  // as sessions: an app chooses to take more cores
  o.kv_dtype = ODIN_DTYPE_FLOAT16;
  o.vocab_only = 0;
  o.draft_max = odin::SpeculationRequest{}.draft_max;
  o.prompt_lookup = 0;
  o.draft_path = nullptr;
  o.max_memory = 0;
  o.backends = nullptr;
  o.device_share = -1.0;
  return o;
}

odin_llm_generate_params default_params() {
  const odin::SamplerOptions s;  // one source for the sampler's defaults
  odin_llm_generate_params p{};
  p.struct_size = static_cast<uint32_t>(sizeof(p));
  p.max_tokens = odin::GenerateOptions{}.max_tokens;
  p.temperature = s.temperature;
  p.top_k = s.top_k;
  p.top_p = s.top_p;
  p.min_p = s.min_p;
  p.repeat_penalty = s.repeat_penalty;
  p.repeat_last_n = s.repeat_last_n;
  p.seed = s.seed;
  p.stop_at_eos = 1;
  p.ubatch = 0;
  p.reserved = 0;
  return p;
}

int32_t model_n_vocab(const odin_llm_model& m) {
  if (m.vocab_only) return m.model->file->vocab->size();
  return static_cast<int32_t>(m.model->info.n_vocab);
}

// Checks `n` ids at `ids` against the vocabulary; OUT_OF_RANGE naming the first bad one.
odin_status check_ids(const char* fn, const int32_t* ids, int32_t n, int32_t n_vocab) {
  for (int32_t i = 0; i < n; ++i)
    if (ids[i] < 0 || ids[i] >= n_vocab)
      return fail(ODIN_ERROR_OUT_OF_RANGE, fn,
                  str_cat("token id ", ids[i], " (index ", i, ") is outside the vocabulary (0..",
                          n_vocab - 1, ")"));
  return ODIN_OK;
}

odin_status check_count(const char* fn, const char* name, int64_t n) {
  if (n < 0) return fail(ODIN_ERROR_INVALID_ARGUMENT, fn, str_cat(name, " is negative (", n, ")"));
  return ODIN_OK;
}

odin_status need_tokenizer(const char* fn, const odin_llm_model& m) {
  if (m.model->tokenizer) return ODIN_OK;
  return fail(ODIN_ERROR_UNSUPPORTED, fn,
              "the model file has no vocabulary (llama2.c checkpoints keep it in a separate "
              "tokenizer file): pass token ids");
}

// Whether `n` more tokens fit; OUT_OF_RANGE saying how full the context is.
odin_status check_room(const char* fn, const odin::LlmContext& c, int32_t n, const char* what) {
  const int64_t n_ctx = c.model().info.n_ctx;
  if (c.position() + n <= n_ctx) return ODIN_OK;
  return fail(
      ODIN_ERROR_OUT_OF_RANGE, fn,
      str_cat("context full: ", c.position(), " tokens held + ", n, " ", what, " exceed n_ctx ",
              n_ctx, " (truncate or reset the context, or load with a larger n_ctx)"));
}

odin_status load(const char* fn, const char* path, const odin_llm_options& o,
                 odin_llm_model** out) {
  if (o.n_ctx < 0)
    return fail(ODIN_ERROR_INVALID_ARGUMENT, fn, str_cat("n_ctx is negative (", o.n_ctx, ")"));
  if (o.n_batch < 1 || o.n_batch > 65536)
    return fail(ODIN_ERROR_INVALID_ARGUMENT, fn,
                str_cat("n_batch ", o.n_batch, " outside 1..65536"));
  if (o.n_threads < 0 || o.n_threads > kMaxThreads)
    return fail(ODIN_ERROR_INVALID_ARGUMENT, fn,
                str_cat("n_threads ", o.n_threads, " outside 0..", kMaxThreads));
  if (o.kv_dtype != ODIN_DTYPE_FLOAT16 && o.kv_dtype != ODIN_DTYPE_FLOAT32 &&
      o.kv_dtype != ODIN_DTYPE_Q8_0)
    return fail(ODIN_ERROR_INVALID_ARGUMENT, fn,
                str_cat("kv_dtype is ", odin_dtype_name(o.kv_dtype),
                        " (ODIN_DTYPE_FLOAT16, ODIN_DTYPE_FLOAT32 or ODIN_DTYPE_Q8_0)"));
  auto handle = std::make_unique<odin_llm_model>();
  handle->n_threads = o.n_threads > 0
                          ? o.n_threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  handle->vocab_only = o.vocab_only != 0;
  if (handle->vocab_only) {
    auto m = std::make_shared<odin::LlmModel>();
    auto file = odin::open_llm_file(path, false);
    if (!file.ok()) return fail(fn, file.status());
    m->file = std::move(file).value();
    if (!m->file->vocab)
      return fail(ODIN_ERROR_UNSUPPORTED, fn,
                  str_cat(path, ": the file has no vocabulary (", m->file->container, ")"));
    auto tokenizer = odin::make_tokenizer(*m->file->vocab, path);
    if (!tokenizer.ok()) return fail(fn, tokenizer.status());
    m->tokenizer = std::move(tokenizer).value();
    handle->model = std::move(m);
  } else {
    odin::LlmGraphOptions go;
    go.n_ctx = o.n_ctx;
    go.max_batch = o.n_batch;
    go.kv_dtype = odin::capi::from_c(o.kv_dtype);
    const std::string backends = o.backends ? o.backends : "cpu";
    if (std::optional<odin::LlmSplit> split = odin::llm_split_named(backends)) {
      if (!(o.device_share <= 1.0))  // NaN too
        return fail(
            ODIN_ERROR_INVALID_ARGUMENT, fn,
            str_cat("device_share ", o.device_share, " above 1 (0..1, or below 0: measured)"));
      go.split = *split;
      go.split.device_share = o.device_share < 0.0 ? -1.0 : o.device_share;
      go.split.host_threads = handle->n_threads;
      handle->backends = {split->device, split->host};
    } else {
      handle->backends = odin::parse_backend_list(backends);
      if (handle->backends.empty())
        return fail(ODIN_ERROR_INVALID_ARGUMENT, fn, "backends is an empty list");
      if (const std::string unknown = odin::capi::unknown_backend(handle->backends);
          !unknown.empty())
        return fail(ODIN_ERROR_INVALID_ARGUMENT, fn,
                    str_cat("backends \"", backends, "\": ", unknown));
    }
    if (o.draft_max < 1 || o.draft_max > 64)
      return fail(ODIN_ERROR_INVALID_ARGUMENT, fn,
                  str_cat("draft_max ", o.draft_max, " outside 1..64"));
    odin::SpeculationRequest request;
    request.draft_path = o.draft_path ? o.draft_path : "";
    request.lookup = o.prompt_lookup != 0;
    request.draft_max = o.draft_max;
    request.max_memory = static_cast<size_t>(o.max_memory);
    auto m = odin::open_speculative_models(path, go, request);
    if (!m.ok()) {
      // A vocabulary-only GGUF fails on its first missing tensor; say what
      // the file is instead.
      auto file = odin::open_llm_file(path, false);
      if (file.ok() && (*file)->vocab && (*file)->weights.tensors.empty())
        return fail(ODIN_ERROR_INVALID_MODEL, fn,
                    str_cat(path,
                            ": the file holds a vocabulary but no weights (load it with "
                            "vocab_only to tokenize)"));
      return fail(fn, m.status());
    }
    handle->model = std::move(m->target);
    handle->draft = std::move(m->draft);
    handle->plan = m->plan;
  }
  *out = handle.release();
  return ODIN_OK;
}

// Fills a query's out-value from the model.
template <typename T, typename F>
odin_status query(const char* fn, const odin_llm_model* model, T* out, F&& get) {
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, model);
    ODIN_CAPI_NOT_NULL(fn, out);
    *out = get(*model);
    return ODIN_OK;
  });
}

int32_t special_token(const odin_llm_model& m, int32_t odin::Vocab::*which) {
  const auto& vocab = m.model->file->vocab;
  return vocab && (*vocab).*which != odin::kNoToken ? (*vocab).*which : ODIN_LLM_NO_TOKEN;
}

}  // namespace

namespace odin::capi {

Result<GenerateOptions> generate_options(const odin_llm_generate_params& p) {
  if (p.max_tokens < 0)
    return make_error(StatusCode::kInvalidArgument, "max_tokens is negative (", p.max_tokens, ")");
  GenerateOptions go;
  go.max_tokens = p.max_tokens;
  go.sampler.temperature = p.temperature;
  go.sampler.top_k = p.top_k;
  go.sampler.top_p = p.top_p;
  go.sampler.min_p = p.min_p;
  go.sampler.repeat_penalty = p.repeat_penalty;
  go.sampler.repeat_last_n = p.repeat_last_n;
  go.sampler.seed = p.seed;
  if (p.ubatch < 0)
    return make_error(StatusCode::kInvalidArgument, "ubatch is negative (", p.ubatch,
                      "; 0: runs of n_batch)");
  go.ubatch = p.ubatch;
  if (p.reserved != 0)
    return make_error(StatusCode::kInvalidArgument, "reserved is ", p.reserved, " (must be 0)");
  if (Status s = check_sampler_options(go.sampler); !s.ok())
    return Status(StatusCode::kInvalidArgument, s.message());
  return go;
}

}  // namespace odin::capi

extern "C" {

ODIN_API odin_status odin_llm_options_init(odin_llm_options* options) {
  constexpr const char* fn = "odin_llm_options_init";
  ODIN_CAPI_NOT_NULL(fn, options);
  *options = default_options();
  return ODIN_OK;
}

ODIN_API odin_status odin_llm_model_load(const char* path, const odin_llm_options* options,
                                         odin_llm_model** out_model) {
  constexpr const char* fn = "odin_llm_model_load";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, path);
    ODIN_CAPI_NOT_NULL(fn, out_model);
    odin_llm_options o = default_options();
    if (options)
      if (odin_status s = read_versioned(fn, "options", *options, kOptionsV1End, &o)) return s;
    return load(fn, path, o, out_model);
  });
}

ODIN_API void odin_llm_model_release(odin_llm_model* model) {
  delete model;
}

ODIN_API odin_status odin_llm_model_n_vocab(const odin_llm_model* model, int32_t* out_n_vocab) {
  return query("odin_llm_model_n_vocab", model, out_n_vocab, model_n_vocab);
}

ODIN_API odin_status odin_llm_model_n_ctx(const odin_llm_model* model, int32_t* out_n_ctx) {
  return query("odin_llm_model_n_ctx", model, out_n_ctx,
               [](const odin_llm_model& m) { return static_cast<int32_t>(m.model->info.n_ctx); });
}

ODIN_API odin_status odin_llm_model_bos(const odin_llm_model* model, int32_t* out_token) {
  return query("odin_llm_model_bos", model, out_token,
               [](const odin_llm_model& m) { return special_token(m, &odin::Vocab::bos); });
}

ODIN_API odin_status odin_llm_model_eos(const odin_llm_model* model, int32_t* out_token) {
  return query("odin_llm_model_eos", model, out_token,
               [](const odin_llm_model& m) { return special_token(m, &odin::Vocab::eos); });
}

ODIN_API odin_status odin_llm_model_architecture(const odin_llm_model* model,
                                                 const char** out_architecture) {
  return query("odin_llm_model_architecture", model, out_architecture, [](const odin_llm_model& m) {
    return m.model->file->weights.config.architecture.c_str();
  });
}

ODIN_API odin_status odin_llm_tokenize(const odin_llm_model* model, const char* text,
                                       size_t text_size, int32_t add_bos, int32_t* tokens,
                                       int32_t capacity, int32_t* out_count) {
  constexpr const char* fn = "odin_llm_tokenize";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, model);
    ODIN_CAPI_NOT_NULL(fn, out_count);
    if (text_size > 0) ODIN_CAPI_NOT_NULL(fn, text);
    if (odin_status s = check_count(fn, "capacity", capacity)) return s;
    if (capacity > 0) ODIN_CAPI_NOT_NULL(fn, tokens);
    if (odin_status s = need_tokenizer(fn, *model)) return s;
    const odin::LlmModel& m = *model->model;
    const odin::Vocab& vocab = *m.file->vocab;
    std::vector<int32_t> ids;
    if (add_bos && vocab.add_bos && vocab.bos != odin::kNoToken) ids.push_back(vocab.bos);
    for (int32_t id : m.tokenizer->tokenize(std::string_view(text ? text : "", text_size)))
      ids.push_back(id);
    if (ids.size() > static_cast<size_t>(INT32_MAX))
      return fail(ODIN_ERROR_OUT_OF_RANGE, fn, str_cat("the text has ", ids.size(), " tokens"));
    const auto n = static_cast<int32_t>(ids.size());
    if (tokens == nullptr && capacity == 0) {  // counting only
      *out_count = n;
      return ODIN_OK;
    }
    if (n > capacity) {
      *out_count = n;  // documented: the size needed, even on failure
      return fail(ODIN_ERROR_OUT_OF_RANGE, fn,
                  str_cat("the text has ", n, " tokens, the buffer room for ", capacity));
    }
    std::copy(ids.begin(), ids.end(), tokens);
    *out_count = n;
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_llm_detokenize(const odin_llm_model* model, const int32_t* tokens,
                                         int32_t n_tokens, char* text, size_t capacity,
                                         size_t* out_size) {
  constexpr const char* fn = "odin_llm_detokenize";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, model);
    ODIN_CAPI_NOT_NULL(fn, out_size);
    if (odin_status s = check_count(fn, "n_tokens", n_tokens)) return s;
    if (n_tokens > 0) ODIN_CAPI_NOT_NULL(fn, tokens);
    if (capacity > 0) ODIN_CAPI_NOT_NULL(fn, text);
    if (odin_status s = need_tokenizer(fn, *model)) return s;
    if (odin_status s = check_ids(fn, tokens, n_tokens, model_n_vocab(*model))) return s;
    const std::string s = model->model->tokenizer->detokenize(
        std::span<const int32_t>(tokens, static_cast<size_t>(n_tokens)));
    if (text == nullptr && capacity == 0) {  // measuring only
      *out_size = s.size();
      return ODIN_OK;
    }
    if (s.size() >= capacity) {
      *out_size = s.size();  // documented: the size needed, even on failure
      return fail(
          ODIN_ERROR_OUT_OF_RANGE, fn,
          str_cat("the text has ", s.size(), " bytes + NUL, the buffer room for ", capacity));
    }
    std::memcpy(text, s.data(), s.size());
    text[s.size()] = '\0';
    *out_size = s.size();
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_llm_context_create(const odin_llm_model* model,
                                             odin_llm_context** out_context) {
  constexpr const char* fn = "odin_llm_context_create";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, model);
    ODIN_CAPI_NOT_NULL(fn, out_context);
    if (model->vocab_only)
      return fail(ODIN_ERROR_FAILED_PRECONDITION, fn,
                  "the model was loaded with vocab_only: it has no weights to run");
    odin::SessionOptions so;
    so.backends = model->backends;
    so.num_threads = model->n_threads;
    auto created = odin::LlmContext::create(*model->model, so);
    if (!created.ok()) return fail(fn, created.status());
    auto c = std::make_unique<odin_llm_context>();
    c->model = model->model;
    c->context = std::move(created).value();
    c->plan = model->plan;
    if (model->draft) {
      auto draft = odin::LlmContext::create(*model->draft, so);
      if (!draft.ok()) return fail(fn, draft.status());
      c->draft = model->draft;
      c->draft_context = std::move(draft).value();
    }
    // Greedy guesses: verification keeps the target's distribution whatever
    // the guesses are.
    c->drafter = odin::make_drafter(c->plan, c->draft_context.get(), odin::SamplerOptions{});
    *out_context = c.release();
    return ODIN_OK;
  });
}

ODIN_API void odin_llm_context_release(odin_llm_context* context) {
  delete context;
}

ODIN_API odin_status odin_llm_eval(odin_llm_context* context, const int32_t* tokens,
                                   int32_t n_tokens, float* logits, int32_t n_logits) {
  constexpr const char* fn = "odin_llm_eval";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, context);
    ODIN_CAPI_NOT_NULL(fn, tokens);
    if (n_tokens < 1)
      return fail(ODIN_ERROR_INVALID_ARGUMENT, fn, str_cat("n_tokens is ", n_tokens, " (>= 1)"));
    odin::LlmContext& c = *context->context;
    const auto n_vocab = static_cast<int32_t>(c.model().info.n_vocab);
    if (logits != nullptr || n_logits != 0) {
      ODIN_CAPI_NOT_NULL(fn, logits);
      if (n_logits != n_vocab)
        return fail(ODIN_ERROR_INVALID_ARGUMENT, fn,
                    str_cat("n_logits is ", n_logits, ", the vocabulary has ", n_vocab));
    }
    if (odin_status s = check_ids(fn, tokens, n_tokens, n_vocab)) return s;
    if (odin_status s = check_room(fn, c, n_tokens, "new")) return s;
    const int64_t before = c.position();
    auto out = c.eval(std::span<const int32_t>(tokens, static_cast<size_t>(n_tokens)));
    if (!out.ok()) {
      c.truncate(before);  // a chunk may have run: forget it
      return fail(fn, out.status());
    }
    if (logits) std::copy(out->begin(), out->end(), logits);
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_llm_position(const odin_llm_context* context, int32_t* out_position) {
  constexpr const char* fn = "odin_llm_position";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, context);
    ODIN_CAPI_NOT_NULL(fn, out_position);
    *out_position = static_cast<int32_t>(context->context->position());
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_llm_truncate(odin_llm_context* context, int32_t n_keep) {
  constexpr const char* fn = "odin_llm_truncate";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, context);
    if (odin_status s = check_count(fn, "n_keep", n_keep)) return s;
    odin::LlmContext& c = *context->context;
    if (n_keep > c.position())
      return fail(ODIN_ERROR_OUT_OF_RANGE, fn,
                  str_cat("n_keep ", n_keep, " is past the ", c.position(), " tokens held"));
    c.truncate(n_keep);
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_llm_reset(odin_llm_context* context) {
  constexpr const char* fn = "odin_llm_reset";
  ODIN_CAPI_NOT_NULL(fn, context);
  context->context->truncate(0);
  return ODIN_OK;
}

ODIN_API odin_status odin_llm_generate_params_init(odin_llm_generate_params* params) {
  constexpr const char* fn = "odin_llm_generate_params_init";
  ODIN_CAPI_NOT_NULL(fn, params);
  *params = default_params();
  return ODIN_OK;
}

ODIN_API odin_status odin_llm_generate(odin_llm_context* context, const int32_t* prompt,
                                       int32_t n_prompt, const odin_llm_generate_params* params,
                                       odin_llm_token_callback callback, void* user_data,
                                       odin_llm_stats* stats) {
  constexpr const char* fn = "odin_llm_generate";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, context);
    ODIN_CAPI_NOT_NULL(fn, prompt);
    if (n_prompt < 1)
      return fail(ODIN_ERROR_INVALID_ARGUMENT, fn, str_cat("n_prompt is ", n_prompt, " (>= 1)"));
    odin_llm_generate_params p = default_params();
    if (params)
      if (odin_status s = read_versioned(fn, "params", *params, kParamsV1End, &p)) return s;
    if (stats && (stats->struct_size < kStatsV1End || stats->struct_size > kMaxStructSize))
      return fail(ODIN_ERROR_INVALID_ARGUMENT, fn,
                  str_cat("stats->struct_size is ", stats->struct_size,
                          ", expected sizeof(odin_llm_stats) = ", sizeof(odin_llm_stats)));
    auto options = odin::capi::generate_options(p);
    if (!options.ok()) return fail(fn, options.status());
    odin::GenerateOptions& go = *options;

    go.drafter = context->drafter.get();
    go.draft_max = context->plan.draft_max;
    odin::LlmContext& c = *context->context;
    const odin::LlmModel& m = c.model();
    if (odin_status s = check_ids(fn, prompt, n_prompt, static_cast<int32_t>(m.info.n_vocab)))
      return s;
    if (odin_status s = check_room(fn, c, n_prompt, "in the prompt")) return s;
    const int64_t before = c.position();
    // Every generated token but the last is evaluated, so a full context
    // still takes one more: generation stops there, not with an error.
    const int64_t room = m.info.n_ctx - (before + n_prompt) + 1;
    go.max_tokens = static_cast<int32_t>(std::min<int64_t>(p.max_tokens, room));
    const int32_t eos = m.file->vocab ? m.file->vocab->eos : odin::kNoToken;
    if (p.stop_at_eos && eos != odin::kNoToken) go.stop_ids.push_back(eos);

    std::span<const int32_t> prompt_ids(prompt, static_cast<size_t>(n_prompt));
    bool stopped_by_callback = false;
    std::unique_ptr<odin::TextStream> stream;
    if (callback && m.tokenizer) {
      stream = std::make_unique<odin::TextStream>(m.tokenizer.get());
      stream->start(prompt_ids);  // the pieces continue the prompt's text
    }
    if (callback)
      go.on_token = [&](int32_t id) {
        const std::string piece = stream ? stream->next(id) : std::string();
        if (callback(id, piece.c_str(), piece.size(), user_data)) return true;
        stopped_by_callback = true;
        return false;
      };
    auto result = odin::generate(c, prompt_ids, go);
    if (!result.ok()) {
      c.truncate(before);
      return fail(fn, result.status());
    }
    if (stats) {
      const odin::GenerateResult& r = *result;
      odin_llm_stop_reason reason = ODIN_LLM_STOP_MAX_TOKENS;
      if (stopped_by_callback)
        reason = ODIN_LLM_STOP_CALLBACK;
      else if (!r.ids.empty() && !go.stop_ids.empty() && r.ids.back() == eos)
        reason = ODIN_LLM_STOP_EOS;
      else if (go.max_tokens < p.max_tokens)
        reason = ODIN_LLM_STOP_CONTEXT_FULL;
      // Fields one by one: a caller's struct from a newer header may be
      // larger, one from this header is at least this large (checked above).
      stats->prompt_tokens = n_prompt;
      stats->generated_tokens = static_cast<int32_t>(r.ids.size());
      stats->prompt_ms = r.prompt_ms;
      stats->generate_ms = r.generate_ms;
      stats->stop_reason = reason;
      if (stats->struct_size >= kStatsV2End) {
        stats->drafted_tokens = static_cast<int32_t>(r.speculation.drafted);
        stats->accepted_tokens = static_cast<int32_t>(r.speculation.accepted);
      }
    }
    return ODIN_OK;
  });
}

}  // extern "C"
